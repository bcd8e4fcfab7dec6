package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.CHAT;
import static dev.ember.dataplane.openai.InferenceFixture.COMPLETIONS;
import static dev.ember.dataplane.openai.InferenceFixture.KEY;
import static dev.ember.dataplane.openai.InferenceFixture.LLAMA_8B;
import static dev.ember.dataplane.openai.InferenceFixture.OTHER_ACCOUNT_KEY;
import static dev.ember.dataplane.openai.InferenceFixture.READY;
import static dev.ember.dataplane.openai.InferenceFixture.STARTING;
import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.chat;
import static dev.ember.dataplane.openai.InferenceFixture.completion;
import static dev.ember.dataplane.openai.InferenceFixture.json;
import static dev.ember.dataplane.openai.InferenceFixture.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyRevoked;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.RoutingTable;
import dev.ember.proto.v1.ChatCompletion;
import dev.ember.proto.v1.ChatCompletionChunk;
import dev.ember.proto.v1.ChatCompletionRequest;
import dev.ember.proto.v1.ChatMessage;
import dev.ember.proto.v1.Completion;
import dev.ember.proto.v1.CompletionRequest;
import dev.ember.proto.v1.InferenceGrpc;
import dev.ember.testsupport.EmberInfraResource;

/**
 * The inference API over gRPC as a client sees it, on the data plane's HTTP port, next to the HTTP API it mirrors:
 * the same replies for the same seed, the same serving metadata, the same errors as gRPC statuses. Lives by the
 * HTTP tests to share their world (events on the real broker).
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class GrpcInferenceTest {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    RoutingTable routing;

    @Inject
    KeyCache keys;

    ManagedChannel channel;
    final AtomicReference<Metadata> headers = new AtomicReference<>();
    final AtomicReference<Metadata> trailers = new AtomicReference<>();

    @BeforeEach
    void connect() {
        InferenceFixture.publish();
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .maxInboundMessageSize(32 << 20).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A stub calling with {@code key} (none when null) that keeps the response headers and trailers. */
    InferenceGrpc.InferenceBlockingStub grpc(String key) {
        Metadata auth = new Metadata();
        if (key != null) {
            auth.put(AUTHORIZATION, "Bearer " + key);
        }
        return InferenceGrpc.newBlockingStub(channel).withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(auth),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    }

    static ChatCompletionRequest.Builder hello(String model) {
        return ChatCompletionRequest.newBuilder().setModel(model)
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Say hello"));
    }

    /** A request message from the JSON an HTTP client would post (without {@code stream}): the proto3 JSON form. */
    static <B extends Message.Builder> B fromJson(String body, B builder) {
        try {
            JsonFormat.parser().merge(body, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode http(String path, String body) {
        return json(as(KEY).body(body).post(path).then().log().ifValidationFails().statusCode(200).extract()
                .asString());
    }

    static <T> List<T> all(Iterator<T> stream) {
        List<T> all = new ArrayList<>();
        stream.forEachRemaining(all::add);
        return all;
    }

    static String header(Metadata metadata, String name) {
        return metadata.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    }

    // ---- Chat ---------------------------------------------------------------------------------------------------

    @Test
    void aChatCompletionIsTheHttpReplyForTheSameSeedWithTheSameServingHeaders() {
        JsonNode overHttp = http(CHAT, chat(READY, ", \"seed\": 5, \"max_tokens\": 40"));

        ChatCompletion reply = grpc(KEY).createChatCompletion(hello(READY).setSeed(5).setMaxTokens(40).build());

        assertThat(reply.getObject()).isEqualTo("chat.completion");
        assertThat(reply.getId()).startsWith("chatcmpl-");
        assertThat(reply.getModel()).isEqualTo(READY);
        assertThat(reply.getCreated()).isPositive();
        assertThat(reply.getChoicesCount()).isEqualTo(1);
        ChatCompletion.Choice choice = reply.getChoices(0);
        assertThat(choice.getMessage().getRole()).isEqualTo("assistant");
        assertThat(choice.getMessage().getContent())
                .isEqualTo(overHttp.at("/choices/0/message/content").asText()).isNotEmpty();
        assertThat(choice.getFinishReason()).isEqualTo(overHttp.at("/choices/0/finish_reason").asText());
        assertThat(reply.getUsage().getPromptTokens()).isEqualTo(overHttp.at("/usage/prompt_tokens").asInt());
        assertThat(reply.getUsage().getCompletionTokens()).isEqualTo(overHttp.at("/usage/completion_tokens").asInt());
        assertThat(reply.getUsage().getTotalTokens()).isEqualTo(overHttp.at("/usage/total_tokens").asInt());

        assertThat(header(headers.get(), "x-ember-deployment")).isEqualTo(READY);
        assertThat(header(headers.get(), "x-ember-replica")).isEqualTo(READY + "/replicas/r-1");
        assertThat(header(headers.get(), "fireworks-prompt-tokens"))
                .isEqualTo(String.valueOf(reply.getUsage().getPromptTokens()));
        assertThat(Long.parseLong(header(headers.get(), "fireworks-server-time-to-first-token")))
                .isBetween(1L, 1000L);
    }

    @Test
    void aStreamedChatSendsTheSameReplyAsChunksAtTheEnginesPaceWithUsageLast() {
        String whole = grpc(KEY).createChatCompletion(hello(READY).setSeed(3).setMaxTokens(120).build())
                .getChoices(0).getMessage().getContent();

        long start = System.nanoTime();
        List<ChatCompletionChunk> chunks = all(grpc(KEY).streamChatCompletion(
                hello(READY).setSeed(3).setMaxTokens(120).build()));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(chunks).allSatisfy(c -> assertThat(c.getObject()).isEqualTo("chat.completion.chunk"));
        assertThat(chunks.get(0).getChoices(0).getDelta().getRole()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.getChoices(0).getDelta().getContent()));
        assertThat(text.toString()).isEqualTo(whole);
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(c -> assertThat(c.getChoices(0).hasFinishReason()).isFalse())
                .allSatisfy(c -> assertThat(c.hasUsage()).isFalse());
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.getChoices(0).getFinishReason()).isEqualTo("stop");
        int tokens = last.getUsage().getCompletionTokens();
        assertThat(tokens).isEqualTo(chunks.size() - 2).isGreaterThan(10);
        // One decode step of a lone 8B sequence on an H100 is about 4 ms: the stream cannot be faster than that.
        assertThat(elapsedMs).isGreaterThanOrEqualTo(3L * (tokens - 1));

        assertThat(header(headers.get(), "x-ember-deployment")).isEqualTo(READY);
        assertThat(header(headers.get(), "fireworks-prompt-tokens"))
                .isEqualTo(String.valueOf(last.getUsage().getPromptTokens()));
        assertThat(Long.parseLong(header(trailers.get(), "fireworks-server-time-to-first-token")))
                .isBetween(1L, 1000L);
    }

    @Test
    void nChoicesAndStopSequencesGiveWhatHttpGives() {
        String body = chat(READY, ", \"seed\": 11, \"n\": 3, \"stop\": [\".\"], \"max_tokens\": 60");
        JsonNode overHttp = http(CHAT, body);

        ChatCompletion reply = grpc(KEY).createChatCompletion(fromJson(body, ChatCompletionRequest.newBuilder())
                .build());

        assertThat(reply.getChoicesCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            ChatCompletion.Choice choice = reply.getChoices(i);
            assertThat(choice.getIndex()).isEqualTo(i);
            assertThat(choice.getMessage().getContent()).doesNotContain(".")
                    .isEqualTo(overHttp.at("/choices/" + i + "/message/content").asText());
            assertThat(choice.getFinishReason()).isEqualTo("stop");
        }
        assertThat(reply.getChoices(0).getMessage().getContent())
                .isNotEqualTo(reply.getChoices(1).getMessage().getContent());
        assertThat(reply.getUsage().getCompletionTokens()).isEqualTo(overHttp.at("/usage/completion_tokens").asInt());
    }

    @Test
    void aRequiredToolIsCalledWithArgumentsValidAgainstItsSchemaStreamedOrNot() {
        String body = chat(READY, ", \"seed\": 8, \"tools\": [" + ChatParametersTest.WEATHER + "], "
                + "\"tool_choice\": \"required\"");
        JsonNode overHttp = http(CHAT, body);

        ChatCompletion reply = grpc(KEY).createChatCompletion(fromJson(body, ChatCompletionRequest.newBuilder())
                .build());

        ChatCompletion.Choice choice = reply.getChoices(0);
        assertThat(choice.getFinishReason()).isEqualTo("tool_calls");
        assertThat(choice.getMessage().hasContent()).isFalse();
        var call = choice.getMessage().getToolCalls(0);
        assertThat(call.getId()).startsWith("call_");
        assertThat(call.getType()).isEqualTo("function");
        assertThat(call.getFunction().getName()).isEqualTo("get_weather");
        JsonNode arguments = json(call.getFunction().getArguments());
        assertThat(arguments.path("unit").asText()).isIn("celsius", "fahrenheit");
        assertThat(call.getFunction().getArguments())
                .isEqualTo(overHttp.at("/choices/0/message/tool_calls/0/function/arguments").asText());
        // Schema numbers reach the engine as the integers HTTP clients write: the prompt is counted alike.
        assertThat(reply.getUsage().getPromptTokens()).isEqualTo(overHttp.at("/usage/prompt_tokens").asInt());

        List<ChatCompletionChunk> chunks = all(grpc(KEY).streamChatCompletion(
                fromJson(body, ChatCompletionRequest.newBuilder()).build()));
        StringBuilder streamed = new StringBuilder();
        for (ChatCompletionChunk chunk : chunks) {
            chunk.getChoices(0).getDelta().getToolCallsList().forEach(d -> streamed.append(d.getFunction()
                    .getArguments()));
        }
        assertThat(chunks.get(1).getChoices(0).getDelta().getToolCalls(0).getId()).isEqualTo(call.getId());
        assertThat(chunks.get(1).getChoices(0).getDelta().getToolCalls(0).getFunction().getName())
                .isEqualTo("get_weather");
        assertThat(streamed.toString()).isEqualTo(call.getFunction().getArguments());
        assertThat(chunks.get(chunks.size() - 1).getChoices(0).getFinishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aJsonSchemaResponseFormatGivesTheSameJsonAsHttp() {
        String body = chat(READY, ", \"seed\": 21, \"response_format\": {\"type\": \"json_schema\", \"json_schema\": "
                + "{\"name\": \"person\", \"schema\": " + ChatParametersTest.PERSON + ", \"strict\": true}}");
        JsonNode overHttp = http(CHAT, body);

        ChatCompletion reply = grpc(KEY).createChatCompletion(fromJson(body, ChatCompletionRequest.newBuilder())
                .build());

        JsonNode person = json(reply.getChoices(0).getMessage().getContent());
        assertThat(person.path("age").isInt()).isTrue();
        assertThat(person.path("age").asInt()).isBetween(0, 120);
        assertThat(person.path("tags").size()).isLessThanOrEqualTo(2);
        assertThat(reply.getChoices(0).getMessage().getContent())
                .isEqualTo(overHttp.at("/choices/0/message/content").asText());
    }

    @Test
    void chatLogprobsComeAsOpenAiListsThem() {
        ChatCompletion reply = grpc(KEY).createChatCompletion(hello(READY).setSeed(4).setMaxTokens(6)
                .setLogprobs(true).setTopLogprobs(2).build());

        var content = reply.getChoices(0).getLogprobs().getContentList();
        assertThat(content).isNotEmpty().allSatisfy(token -> {
            assertThat(token.getLogprob()).isNegative();
            assertThat(token.getBytesCount()).isEqualTo(token.getToken().getBytes().length);
            assertThat(token.getTopLogprobsCount()).isEqualTo(2);
        });
    }

    // ---- Text completions ---------------------------------------------------------------------------------------

    @Test
    void aCompletionWithEchoAndNIsTheHttpOneStreamedOrNot() {
        String body = completion(READY, ", \"seed\": 9, \"n\": 2, \"echo\": true, \"max_tokens\": 30");
        JsonNode overHttp = http(COMPLETIONS, body.replace("\"Once upon a time\"", "[\"Once upon a time\"]"));

        Completion reply = grpc(KEY).createCompletion(CompletionRequest.newBuilder().setModel(READY)
                .addPrompt("Once upon a time").setSeed(9).setN(2).setEcho(true).setMaxTokens(30).build());

        assertThat(reply.getObject()).isEqualTo("text_completion");
        assertThat(reply.getId()).startsWith("cmpl-");
        assertThat(reply.getChoicesCount()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            assertThat(reply.getChoices(i).getText()).startsWith("Once upon a time ")
                    .isEqualTo(overHttp.at("/choices/" + i + "/text").asText());
        }
        assertThat(reply.getUsage().getCompletionTokens()).isEqualTo(overHttp.at("/usage/completion_tokens").asInt());

        List<Completion> chunks = all(grpc(KEY).streamCompletion(CompletionRequest.newBuilder().setModel(READY)
                .addPrompt("Once upon a time").setSeed(9).setN(2).setEcho(true).setMaxTokens(30).build()));
        Map<Integer, StringBuilder> texts = new TreeMap<>();
        for (Completion chunk : chunks) {
            Completion.Choice choice = chunk.getChoices(0);
            texts.computeIfAbsent(choice.getIndex(), i -> new StringBuilder()).append(choice.getText());
        }
        assertThat(texts.get(0).toString()).isEqualTo(reply.getChoices(0).getText());
        assertThat(texts.get(1).toString()).isEqualTo(reply.getChoices(1).getText());
        Completion last = chunks.get(chunks.size() - 1);
        assertThat(last.getUsage()).isEqualTo(reply.getUsage());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.hasUsage()).isFalse());
    }

    @Test
    void echoedLegacyLogprobsStartWithANullAsOverHttp() {
        Completion reply = grpc(KEY).createCompletion(CompletionRequest.newBuilder().setModel(READY)
                .addPrompt("Once upon a time").setSeed(2).setEcho(true).setLogprobs(1).setMaxTokens(5).build());

        Completion.LegacyLogprobs logprobs = reply.getChoices(0).getLogprobs();
        assertThat(logprobs.getTokensCount()).isGreaterThan(5);
        assertThat(logprobs.getTokenLogprobs(0).hasNullValue()).isTrue();
        assertThat(logprobs.getTopLogprobs(0).hasNullValue()).isTrue();
        assertThat(logprobs.getTokenLogprobs(1).getNumberValue()).isNegative();
        assertThat(logprobs.getTopLogprobs(1).getStructValue().getFieldsCount()).isBetween(1, 2);
        assertThat(logprobs.getTextOffset(0)).isZero();
    }

    // ---- Errors -------------------------------------------------------------------------------------------------

    /** The status of a failed call, checked to carry what the HTTP error body says. */
    static Failure fail(Supplier<?> call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::get);
        assertThat(e).as("the call fails").isNotNull();
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).as("google.rpc.Status in the trailers").isNotNull();
        ErrorInfo info = null;
        BadRequest bad = null;
        RetryInfo retry = null;
        try {
            for (var detail : status.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    info = detail.unpack(ErrorInfo.class);
                } else if (detail.is(BadRequest.class)) {
                    bad = detail.unpack(BadRequest.class);
                } else if (detail.is(RetryInfo.class)) {
                    retry = detail.unpack(RetryInfo.class);
                }
            }
        } catch (InvalidProtocolBufferException x) {
            throw new AssertionError(x);
        }
        assertThat(info).as("ErrorInfo").isNotNull();
        return new Failure(e.getStatus().getCode(), e.getStatus().getDescription(), info, bad, retry,
                e.getTrailers());
    }

    record Failure(Status.Code code, String message, ErrorInfo info, BadRequest bad, RetryInfo retry,
            Metadata trailers) {

        /** The same as the HTTP error: type, code, message and param. */
        void isLike(Response http) {
            JsonNode error = json(http.asString()).path("error");
            assertThat(info.getMetadataOrThrow("type")).isEqualTo(error.path("type").asText());
            assertThat(info.getReason()).isEqualTo(error.path("code").asText());
            assertThat(info.getDomain()).isEqualTo("ember.dev");
            assertThat(message).isEqualTo(error.path("message").asText());
            if (error.has("param")) {
                assertThat(info.getMetadataOrThrow("param")).isEqualTo(error.path("param").asText());
                assertThat(bad.getFieldViolations(0).getField()).isEqualTo(error.path("param").asText());
            } else {
                assertThat(info.getMetadataMap()).doesNotContainKey("param");
            }
        }
    }

    @Test
    void aBadParameterIsInvalidArgumentNamingItAsHttpDoes() {
        Failure f = fail(() -> grpc(KEY).createChatCompletion(hello(READY).setMaxTokens(0).build()));
        assertThat(f.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(f.info().getReason()).isEqualTo("invalid_request_error");
        assertThat(f.info().getMetadataOrThrow("param")).isEqualTo("max_tokens");
        f.isLike(as(KEY).body(chat(READY, ", \"max_tokens\": 0")).post(CHAT));

        Failure role = fail(() -> grpc(KEY).createChatCompletion(ChatCompletionRequest.newBuilder().setModel(READY)
                .addMessages(ChatMessage.newBuilder().setRole("robot").setContent("hi")).build()));
        assertThat(role.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(role.bad().getFieldViolations(0).getField()).isEqualTo("messages[0].role");

        Failure noPrompt = fail(() -> all(grpc(KEY).streamCompletion(CompletionRequest.newBuilder().setModel(READY)
                .build())));
        assertThat(noPrompt.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noPrompt.info().getMetadataOrThrow("param")).isEqualTo("prompt");

        Failure toolChoice = fail(() -> grpc(KEY).createChatCompletion(fromJson(chat(READY, ", \"tools\": ["
                + ChatParametersTest.CLOCK + "], \"tool_choice\": \"sometimes\""), ChatCompletionRequest.newBuilder())
                .build()));
        assertThat(toolChoice.info().getMetadataOrThrow("param")).isEqualTo("tool_choice");
    }

    @Test
    void aPromptOverTheContextIsInvalidArgumentContextLengthExceeded() {
        String huge = "word ".repeat(140_000);
        Failure f = fail(() -> grpc(KEY).createChatCompletion(ChatCompletionRequest.newBuilder().setModel(READY)
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent(huge)).build()));
        assertThat(f.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(f.info().getReason()).isEqualTo("context_length_exceeded");
        assertThat(f.info().getMetadataOrThrow("param")).isEqualTo("messages");
    }

    @Test
    void aMessageOverTheBodyLimitIsRefusedAsTooLarge() {
        String tooBig = "x".repeat(9 << 20);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> grpc(KEY).createCompletion(CompletionRequest.newBuilder().setModel(READY).addPrompt(tooBig)
                        .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void keysAreCheckedLikeHttpOnes() {
        Failure missing = fail(() -> grpc(null).createChatCompletion(hello(READY).build()));
        assertThat(missing.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(missing.info().getReason()).isEqualTo("invalid_api_key");
        assertThat(missing.info().getMetadataOrThrow("type")).isEqualTo("authentication_error");

        Failure unknown = fail(() -> all(grpc("em_not_a_key").streamChatCompletion(hello(READY).build())));
        assertThat(unknown.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(unknown.info().getReason()).isEqualTo("invalid_api_key");
    }

    @Test
    void aRevokedKeyIsRefusedOnceItsEventArrives() {
        String secret = ApiKeys.generate();
        String name = "accounts/acme/users/admin/apiKeys/k-grpc-revoked";
        kafka().publish(EventTypes.API_KEY_CREATED, name, new ApiKeyCreated(name, "acme", "admin", "admin",
                ApiKeys.hash(secret), ApiKeys.prefix(secret), null, Instant.now()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(grpc(secret)
                .createChatCompletion(hello(READY).setMaxTokens(2).build()).getChoicesCount()).isEqualTo(1));

        kafka().publish(EventTypes.API_KEY_REVOKED, name, new ApiKeyRevoked(name, "acme", "admin",
                ApiKeys.hash(secret), ApiKeys.prefix(secret), Instant.now(), "leaked"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Failure f = fail(() -> grpc(secret).createChatCompletion(hello(READY).build()));
            assertThat(f.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(f.info().getReason()).isEqualTo("API_KEY_REVOKED");
            assertThat(f.message()).contains("revoked").contains("leaked");
        });
    }

    @Test
    void unknownModelsAndOtherAccountsDeploymentsAreNotFound() {
        Failure unknown = fail(() -> grpc(KEY).createChatCompletion(hello("accounts/acme/deployments/nope").build()));
        assertThat(unknown.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.info().getReason()).isEqualTo("model_not_found");
        unknown.isLike(as(KEY).body(chat("accounts/acme/deployments/nope", "")).post(CHAT));

        // A stream fails before its first message, as the HTTP stream answers with a JSON error.
        Failure other = fail(() -> all(grpc(OTHER_ACCOUNT_KEY).streamChatCompletion(hello(READY).build())));
        assertThat(other.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(other.info().getReason()).isEqualTo("model_not_found");
    }

    @Test
    void aDeploymentScaledToZeroIsUnavailableWithRetryInfoAndIsWoken() {
        Failure f = fail(() -> grpc(KEY).createCompletion(CompletionRequest.newBuilder().setModel(STARTING)
                .addPrompt("hi").build()));
        assertThat(f.code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(f.info().getReason()).isEqualTo("DEPLOYMENT_SCALING_UP");
        assertThat(f.info().getMetadataOrThrow("type")).isEqualTo("service_unavailable");
        assertThat(f.retry().getRetryDelay().getSeconds()).isEqualTo(10);
        assertThat(header(f.trailers(), "retry-after")).isEqualTo("10");
        f.isLike(as(KEY).body(completion(STARTING, "")).post(COMPLETIONS));
        assertThat(kafka().first(EventTypes.WAKE_UP_REQUESTED, e -> e.subject().equals(STARTING),
                Duration.ofSeconds(20))).as("wake-up on ember.load").isPresent();
    }

    // ---- Serverless rate limits ---------------------------------------------------------------------------------

    @Test
    void onServerlessTheRateLimitsComeAsMetadataAndGoingOverIsResourceExhaustedWithThemToo() {
        // A model of the platform's serverless account, served to another account (limits of the test profile:
        // 4 requests and 1,000 tokens a minute).
        ModelProfile model = new ModelProfile("accounts/fireworks/models/grpc-serverless-llama", 8_030_000_000L,
                8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
        String deployment = "accounts/fireworks/deployments/grpc-serverless";
        String secret = ApiKeys.generate();
        String keyName = "accounts/grpc-sl/users/admin/apiKeys/k";
        kafka().publish(EventTypes.API_KEY_CREATED, keyName, new ApiKeyCreated(keyName, "grpc-sl", "admin", "admin",
                ApiKeys.hash(secret), ApiKeys.prefix(secret), null, Instant.now()));
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, deployment, new DeploymentCreated(new DeploymentSpec(deployment,
                "uid-grpc-sl", 1, "d", model.name(), model, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                Instant.now(), null)));
        kafka().publish(EventTypes.REPLICA_UPDATED, deployment + "/replicas/r-1", new ReplicaUpdated(
                deployment + "/replicas/r-1", deployment, "uid-grpc-sl", 4, "READY", "US_IOWA_1", "node-sl",
                "NVIDIA_H100_80GB", 1, "", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> keys.find(ApiKeys.hash(secret)).isPresent()
                && routing.deployment(deployment).flatMap(routing::leastLoadedReady).isPresent());

        ChatCompletion reply = grpc(secret).createChatCompletion(hello(model.name()).setMaxTokens(20).build());
        Metadata first = headers.get();
        assertThat(header(first, "x-ember-deployment")).isEqualTo(deployment);
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo("4");
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo("3");
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo("1000");
        assertThat(header(first, "x-ratelimit-remaining-tokens")).as("prompt and max_tokens counted")
                .isEqualTo(String.valueOf(1000 - reply.getUsage().getPromptTokens() - 20));
        assertThat(header(first, "x-ratelimit-reset-requests")).matches("\\d+s");
        assertThat(header(first, "x-ratelimit-reset-tokens")).matches("\\d+s");

        assertThat(all(grpc(secret).streamChatCompletion(hello(model.name()).setMaxTokens(10).build()))).isNotEmpty();
        assertThat(header(headers.get(), "x-ratelimit-remaining-requests")).as("a stream has them in its headers")
                .isEqualTo("2");
        grpc(secret).createChatCompletion(hello(model.name()).setMaxTokens(10).build());
        grpc(secret).createChatCompletion(hello(model.name()).setMaxTokens(10).build());
        assertThat(header(headers.get(), "x-ratelimit-remaining-requests")).isEqualTo("0");

        Failure refused = fail(() -> grpc(secret).createChatCompletion(hello(model.name()).setMaxTokens(10).build()));
        assertThat(refused.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.info().getReason()).isEqualTo("rate_limit_exceeded");
        long reset = Long.parseLong(header(refused.trailers(), "x-ratelimit-reset-requests").replace("s", ""));
        assertThat(reset).isBetween(1L, 60L);
        assertThat(refused.retry().getRetryDelay().getSeconds()).isEqualTo(reset);
        assertThat(header(refused.trailers(), "retry-after")).isEqualTo(String.valueOf(reset));
        assertThat(header(refused.trailers(), "x-ratelimit-limit-requests")).isEqualTo("4");
        assertThat(header(refused.trailers(), "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(header(refused.trailers(), "x-ratelimit-limit-tokens")).isEqualTo("1000");
    }

    @Test
    void anAccountsOwnDeploymentHasNoRateLimitMetadata() {
        grpc(KEY).createChatCompletion(hello(READY).setMaxTokens(2).build());
        assertThat(header(headers.get(), "x-ember-deployment")).isEqualTo(READY);
        assertThat(header(headers.get(), "x-ratelimit-limit-requests")).isNull();
    }

    // ---- Cancellation -------------------------------------------------------------------------------------------

    @Test
    void aCancelledStreamStopsGeneratingAndFreesTheReplica() {
        String name = "accounts/acme/deployments/grpc-cancel";
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                "uid-grpc-cancel", 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                Instant.now(), null)));
        kafka().publish(EventTypes.REPLICA_UPDATED, name + "/replicas/r-c", new ReplicaUpdated(name + "/replicas/r-c",
                name, "uid-grpc-cancel", 4, "READY", "US_IOWA_1", "n-c", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(grpc(KEY)
                .createChatCompletion(hello(name).setMaxTokens(2).build()).getChoicesCount()).isEqualTo(1));
        RoutingTable.Replica replica = routing.replicas().stream()
                .filter(r -> r.state().name().equals(name + "/replicas/r-c")).findFirst().orElseThrow();

        // A list of 1,000 strings: thousands of tokens, many seconds at the engine's pace.
        ChatCompletionRequest longReply = fromJson(chat(name, ", \"max_tokens\": 4000, \"response_format\": "
                + "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"many\", \"schema\": {\"type\": "
                + "\"array\", \"minItems\": 1000, \"items\": {\"type\": \"string\"}}}}"),
                ChatCompletionRequest.newBuilder()).build();
        long start = System.nanoTime();
        Context.CancellableContext call = Context.current().withCancellation();
        call.run(() -> {
            Iterator<ChatCompletionChunk> chunks = grpc(KEY).streamChatCompletion(longReply);
            for (int i = 0; i < 5; i++) {
                chunks.next();
            }
            assertThat(replica.outstanding()).as("in flight while streaming").isEqualTo(1);
            assertThat(replica.startedEngine().orElseThrow().batchSize()).isEqualTo(1);
        });
        call.cancel(null);

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(replica.outstanding()).as("requests in flight on the replica").isZero();
            assertThat(replica.startedEngine().orElseThrow().batchSize()).as("sequences in the engine").isZero();
        });
        // The whole reply would have taken 4,000 decode steps of about 4 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        // Billed like an SSE client that leaves: the tokens it was sent (and the 2 of the first request), not 4,000.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            long billed = kafka().all(EventTypes.USAGE_REPORTED, Duration.ofSeconds(2)).stream().map(e -> e.data())
                    .filter(u -> u.deployment().equals(name)).mapToLong(u -> u.completionTokens()).sum();
            assertThat(billed).isGreaterThanOrEqualTo(2 + 4).isLessThan(2000);
        });
    }
}
