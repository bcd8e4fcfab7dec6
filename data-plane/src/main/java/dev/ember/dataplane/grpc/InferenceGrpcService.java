package dev.ember.dataplane.grpc;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;

import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;

import dev.ember.dataplane.auth.InferenceAuth;
import dev.ember.dataplane.openai.ChatCompletionRequest;
import dev.ember.dataplane.openai.ChatService;
import dev.ember.dataplane.openai.ChunkSink;
import dev.ember.dataplane.openai.CompletionRequest;
import dev.ember.dataplane.openai.CompletionService;
import dev.ember.dataplane.openai.InferenceRoutes;
import dev.ember.dataplane.openai.InferenceService;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.proto.v1.ChatCompletion;
import dev.ember.proto.v1.ChatCompletionChunk;
import dev.ember.proto.v1.Completion;
import dev.ember.proto.v1.Inference;

/**
 * The inference API over gRPC, next to {@link InferenceRoutes} and as thin: the request message becomes the HTTP
 * request record, and the same {@link ChatService} and {@link CompletionService} validate, route and generate it. A
 * call is served on the event loop, as an HTTP request is, since the engine paces on timers; a stream's messages go
 * out at the engine's pace, and a client that cancels ends the generation, freeing its place in the replica's batch.
 */
@GrpcService
@RegisterInterceptor(InferenceCallMetadata.class)
public class InferenceGrpcService implements Inference {

    @Inject
    InferenceAuth auth;

    @Inject
    ChatService chat;

    @Inject
    CompletionService completions;

    @Inject
    ObjectMapper json;

    @Override
    public Uni<ChatCompletion> createChatCompletion(dev.ember.proto.v1.ChatCompletionRequest request) {
        return unary(caller -> chat.prepare(caller, toRecord(request, false, ChatCompletionRequest.class)),
                chat::complete, ChatCompletion.newBuilder());
    }

    @Override
    public Multi<ChatCompletionChunk> streamChatCompletion(dev.ember.proto.v1.ChatCompletionRequest request) {
        return streamed(caller -> chat.prepare(caller, toRecord(request, true, ChatCompletionRequest.class)),
                chat::stream, ChatCompletionChunk::newBuilder);
    }

    @Override
    public Uni<Completion> createCompletion(dev.ember.proto.v1.CompletionRequest request) {
        return unary(caller -> completions.prepare(caller, toRecord(request, false, CompletionRequest.class)),
                completions::complete, Completion.newBuilder());
    }

    @Override
    public Multi<Completion> streamCompletion(dev.ember.proto.v1.CompletionRequest request) {
        return streamed(caller -> completions.prepare(caller, toRecord(request, true, CompletionRequest.class)),
                completions::stream, Completion::newBuilder);
    }

    /** How a front end delivers a prepared request as chunks (the same as the HTTP stream's). */
    @FunctionalInterface
    private interface Streamer {

        InferenceService.Generation<Duration> stream(InferenceService.Prepared prepared, ChunkSink sink);
    }

    private <R> R toRecord(Message request, boolean stream, Class<R> type) {
        return InferenceProtoJson.toRecord(request, stream, json, type);
    }

    private <M extends Message> Uni<M> unary(Function<KeyCache.Key, InferenceService.Prepared> prepare,
            Function<InferenceService.Prepared, InferenceService.Generation<InferenceService.Completed>> complete,
            Message.Builder response) {
        String authorization = InferenceCallMetadata.HEADER.get();
        InferenceCallMetadata.Served served = InferenceCallMetadata.SERVED.get();
        return Uni.createFrom().<M>emitter(emitter -> {
            InferenceService.Prepared prepared = prepare.apply(auth.authenticate(authorization));
            served(served, prepared);
            InferenceService.Generation<InferenceService.Completed> generation = complete.apply(prepared);
            emitter.onTermination(generation.cancel());
            generation.done().whenComplete((completed, failure) -> {
                if (failure != null) {
                    emitter.fail(unwrap(failure));
                    return;
                }
                served.put(InferenceRoutes.TIME_TO_FIRST_TOKEN, completed.timeToFirstToken().toMillis());
                emitter.complete(InferenceProtoJson.<M>toMessage(completed.body(), response, json));
            });
        }).onFailure().transform(InferenceGrpcErrors::toStatus);
    }

    private <M extends Message> Multi<M> streamed(Function<KeyCache.Key, InferenceService.Prepared> prepare,
            Streamer streamer, Supplier<Message.Builder> builder) {
        String authorization = InferenceCallMetadata.HEADER.get();
        InferenceCallMetadata.Served served = InferenceCallMetadata.SERVED.get();
        return Multi.createFrom().<M>emitter(emitter -> {
            InferenceService.Prepared prepared = prepare.apply(auth.authenticate(authorization));
            served(served, prepared);
            InferenceService.Generation<Duration> generation = streamer.stream(prepared,
                    chunk -> emit(emitter, served, chunk, builder.get()));
            emitter.onTermination(generation.cancel());
            generation.done().whenComplete((firstToken, failure) -> {
                if (failure == null) {
                    served.trailer(InferenceRoutes.TIME_TO_FIRST_TOKEN, firstToken.toMillis());
                    emitter.complete();
                } else if (!(unwrap(failure) instanceof ClientCancelled || emitter.isCancelled())) {
                    emitter.fail(unwrap(failure));
                }
                // A client that cancelled is gone: nothing to tell it. The generation has ended, the replica is free.
            });
        }).onFailure().transform(InferenceGrpcErrors::toStatus);
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private <M extends Message> void emit(MultiEmitter<? super M> emitter, InferenceCallMetadata.Served served,
            Object chunk, Message.Builder builder) throws ClientCancelled {
        if (emitter.isCancelled() || served.clientGone()) {
            throw new ClientCancelled();
        }
        emitter.emit(InferenceProtoJson.<M>toMessage(chunk, builder, json));
    }

    /** What the HTTP response headers say: prompt tokens, deployment, replica, and on serverless the rate limits. */
    private static void served(InferenceCallMetadata.Served served, InferenceService.Prepared prepared) {
        if (prepared.rateLimits() != null) {
            prepared.rateLimits().headers().forEach(served::put);
        }
        served.put(InferenceRoutes.PROMPT_TOKENS, prepared.promptTokens());
        served.put(InferenceRoutes.DEPLOYMENT, prepared.deployment());
        served.put(InferenceRoutes.REPLICA, prepared.replica().state().name());
    }

    /** Ends a generation whose client cancelled the call, as a failed write ends an HTTP stream. */
    private static final class ClientCancelled extends IOException {

        ClientCancelled() {
            super("the client cancelled the call");
        }
    }
}
