package dev.ember.dataplane.openai;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.JsonErrors;
import dev.ember.dataplane.auth.InferenceAuth;
import dev.ember.dataplane.ratelimit.RateLimiter;
import dev.ember.dataplane.ratelimit.ServerlessConfig;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ReplicaWaiters;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * The OpenAI-compatible endpoints, chat and text completions and embeddings: any OpenAI SDK pointed at
 * {@code http://host:8081/inference/v1} works. They are Vert.x routes served on the event loop from start to end:
 * the engine paces a reply on timers ({@link Pacing}), so neither a stream nor a whole reply being generated holds a
 * thread, and ten thousand open streams cost memory, not threads. A client that goes away ends its generation at
 * once, freeing its place in the replica's batch.
 */
@ApplicationScoped
public class InferenceRoutes {

    public static final String PROMPT_TOKENS = "fireworks-prompt-tokens";
    public static final String TIME_TO_FIRST_TOKEN = "fireworks-server-time-to-first-token";
    public static final String DEPLOYMENT = "x-ember-deployment";
    public static final String REPLICA = "x-ember-replica";
    /** Fireworks' session affinity header: requests with the same value go to the same replica. */
    public static final String SESSION_AFFINITY = "x-session-affinity";
    /** Opt-in: hold the request up to this many seconds for a replica instead of answering 503 at once. */
    public static final String WAIT_FOR_REPLICA = "x-ember-wait-for-replica";
    public static final int MAX_SESSION_LENGTH = 256;
    /** After the proxy's route (which passes on whatever is not for a proxied deployment), before Quarkus REST. */
    static final int ORDER = RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT + 1;
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    @Inject
    InferenceAuth auth;

    @Inject
    ChatService chat;

    @Inject
    CompletionService completions;

    @Inject
    EmbeddingService embeddings;

    @Inject
    ReplicaWaiters waiters;

    @Inject
    ServerlessConfig serverless;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M")
    MemorySize maxBodySize;

    void routes(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue());
        route(router, body, "/inference/v1/chat/completions", ChatCompletionRequest.class, chat::prepare,
                (rc, prepared) -> generate(rc, prepared, chat::stream, chat::complete));
        route(router, body, "/inference/v1/completions", CompletionRequest.class, completions::prepare,
                (rc, prepared) -> generate(rc, prepared, completions::stream, completions::complete));
        route(router, body, "/inference/v1/embeddings", EmbeddingRequest.class, embeddings::prepare,
                (rc, prepared) -> respond(rc, embeddings.embed(prepared), prepared.rateLimits(),
                        prepared.promptTokens(), prepared.placed().deployment(), prepared.placed().replica()));
    }

    /** How an endpoint validates a request and prepares it on a replica. */
    @FunctionalInterface
    interface Preparer<R, P> {

        P prepare(KeyCache.Key caller, R request, InferenceService.Routing routing);
    }

    /** How a generation endpoint streams a prepared request, or generates it whole. */
    @FunctionalInterface
    private interface Streamer {

        InferenceService.Generation<Duration> stream(InferenceService.Prepared prepared, ChunkSink sink);
    }

    @FunctionalInterface
    private interface Completer {

        InferenceService.Generation<InferenceService.Completed> complete(InferenceService.Prepared prepared);
    }

    private <R, P> void route(Router router, BodyHandler body, String path, Class<R> type, Preparer<R, P> preparer,
            BiConsumer<RoutingContext, P> serve) {
        router.post(path).order(ORDER).handler(body).handler(rc -> handle(rc, type, preparer, serve))
                .failureHandler(this::failed);
    }

    /**
     * Reads the body, authenticates, reads the routing headers, then serves the request: held for a replica when it
     * asks, carried on on its own context when the replica comes, and its key checked again then (one revoked
     * meanwhile is a 401, not served).
     */
    private <R, P> void handle(RoutingContext rc, Class<R> type, Preparer<R, P> preparer,
            BiConsumer<RoutingContext, P> serve) {
        Uni<P> prepared;
        try {
            R body = read(rc, type);
            String authorization = rc.request().getHeader("Authorization");
            KeyCache.Key caller = auth.authenticate(authorization);
            InferenceService.Routing routed = routing(rc.request().getHeader(SESSION_AFFINITY));
            Duration hold = hold(rc.request().getHeader(WAIT_FOR_REPLICA));
            Context context = Vertx.currentContext();
            prepared = waiters.hold(hold, () -> auth.recheck(authorization),
                    () -> preparer.prepare(caller, body, routed), task -> context.runOnContext(v -> task.run()));
        } catch (RuntimeException e) {
            error(rc, e);
            return;
        }
        prepared.subscribe().with(p -> {
            try {
                serve.accept(rc, p);
            } catch (RuntimeException e) {
                error(rc, e);
            }
        }, failure -> error(rc, failure));
    }

    private <R> R read(RoutingContext rc, Class<R> type) {
        if (rc.body().isEmpty()) {
            throw InvalidArgumentException.field("body", "a JSON request body is required");
        }
        try {
            R body = json.readValue(rc.body().buffer().getBytes(), type);
            if (body == null) {
                throw InvalidArgumentException.field("body", "a JSON request body is required");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw JsonErrors.invalidArgument(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A generation: server-sent events as the engine produces the tokens, or the whole reply when it is done. */
    private void generate(RoutingContext rc, InferenceService.Prepared p, Streamer streamer, Completer completer) {
        if (!p.streaming()) {
            respond(rc, completer.complete(p), p.rateLimits(), p.promptTokens(), p.deployment(), p.replica());
            return;
        }
        HttpServerResponse response = rc.response();
        served(response, p.rateLimits(), p.promptTokens(), p.deployment(), p.replica());
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader("Cache-Control", "no-cache")
                .setChunked(true);
        InferenceService.Generation<Duration> generation = streamer.stream(p, new ChunkSink() {

            @Override
            public void chunk(Object chunk) throws IOException {
                if (response.closed()) {
                    throw new IOException("the client closed the stream");
                }
                byte[] event = json.writeValueAsBytes(chunk);
                response.write(Buffer.buffer(event.length + 8).appendString("data: ").appendBytes(event)
                        .appendString("\n\n"));
            }

            @Override
            public void done() {
                response.write(DONE);
            }
        });
        response.closeHandler(left -> generation.cancel().run());
        generation.done().whenComplete((firstToken, failure) -> {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        });
    }

    /** The whole reply as JSON with Fireworks' time to first token, when its generation is done. */
    private void respond(RoutingContext rc, InferenceService.Generation<InferenceService.Completed> generation,
            RateLimiter.Decision rateLimits, int promptTokens, String deployment, RoutingTable.Replica replica) {
        HttpServerResponse response = rc.response();
        response.closeHandler(left -> generation.cancel().run());
        generation.done().whenComplete((completed, failure) -> {
            if (failure != null) {
                error(rc, failure);
                return;
            }
            if (response.closed()) {
                return;
            }
            try {
                served(response, rateLimits, promptTokens, deployment, replica)
                        .putHeader(TIME_TO_FIRST_TOKEN, Long.toString(completed.timeToFirstToken().toMillis()))
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(Buffer.buffer(json.writeValueAsBytes(completed.body())));
            } catch (JsonProcessingException e) {
                error(rc, e);
            }
        });
    }

    /**
     * Fireworks' performance headers, which deployment and replica served the request, and on serverless traffic the
     * account's rate limits.
     */
    private static HttpServerResponse served(HttpServerResponse response, RateLimiter.Decision rateLimits,
            int promptTokens, String deployment, RoutingTable.Replica replica) {
        if (rateLimits != null) {
            rateLimits.headers().forEach(response::putHeader);
        }
        return response.putHeader(PROMPT_TOKENS, Integer.toString(promptTokens))
                .putHeader(DEPLOYMENT, deployment)
                .putHeader(REPLICA, replica.state().name());
    }

    private static InferenceService.Routing routing(String session) {
        if (session == null || session.isEmpty()) {
            return InferenceService.Routing.NONE;
        }
        if (session.length() > MAX_SESSION_LENGTH) {
            throw InvalidArgumentException.field(SESSION_AFFINITY, "must be at most " + MAX_SESSION_LENGTH
                    + " characters, got " + session.length());
        }
        return new InferenceService.Routing(session);
    }

    /** How long the request may be held for a replica: none without the header, else 0 to the configured maximum. */
    private Duration hold(String wait) {
        if (wait == null) {
            return Duration.ZERO;
        }
        long max = serverless.maxWaitForReplica().toSeconds();
        try {
            long seconds = Long.parseLong(wait.strip());
            if (seconds >= 0 && seconds <= max) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw InvalidArgumentException.field(WAIT_FOR_REPLICA, "must be a whole number of seconds from 0 to " + max
                + ", got '" + wait + "'");
    }

    /** A body over the size limit is 413 in the API's shape, like every other refusal of these routes. */
    private void failed(RoutingContext rc) {
        if (rc.statusCode() == 413) {
            write(rc.response(), OpenAiErrors.replyTo(new EmberException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "request_too_large", "the request body is larger than the data plane accepts")));
        } else {
            write(rc.response(), OpenAiErrors.replyTo(rc.failure() == null
                    ? new IllegalStateException("route failed with status " + rc.statusCode())
                    : rc.failure()));
        }
    }

    /** Answers with the error, unless the response has begun: then a stream can only be cut short. */
    private void error(RoutingContext rc, Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        HttpServerResponse response = rc.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (response.headWritten()) {
            response.end();
            return;
        }
        write(response, OpenAiErrors.replyTo(e));
    }

    private void write(HttpServerResponse response, OpenAiErrors.Reply reply) {
        response.headers().remove(PROMPT_TOKENS).remove(DEPLOYMENT).remove(REPLICA);
        OpenAiErrors.write(response, json, reply);
    }
}
