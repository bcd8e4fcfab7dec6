package dev.ember.dataplane.proxy;

import static dev.ember.dataplane.proxy.MockUpstream.DEPLOYMENT;
import static dev.ember.dataplane.proxy.MockUpstream.DOWN;
import static dev.ember.dataplane.proxy.MockUpstream.RECEIVED;
import static dev.ember.dataplane.proxy.MockUpstream.SERVED_MODEL;
import static dev.ember.dataplane.proxy.MockUpstream.TOKENS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.event.UsageReported;
import dev.ember.proto.v1.InferenceGrpc;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * A deployment bound to a real OpenAI-compatible server ({@link MockUpstream}, a local HTTP server): requests for it
 * are authenticated and resolved as any, then forwarded, streamed included, with usage read from the upstream.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@QuarkusTestResource(value = MockUpstream.class, restrictToAnnotatedClass = true)
class ProxyTest {

    static final String KEY = ApiKeys.generate();
    /** Used by the usage test alone, so what is reported for it is that test's. */
    static final String USAGE_KEY = ApiKeys.generate();
    static final String USAGE_KEY_NAME = "accounts/acme/users/admin/apiKeys/k-proxy-usage";
    static final String OTHER_ACCOUNT_KEY = ApiKeys.generate();
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    /** The model of the proxied serverless deployment, which other accounts name to reach it. */
    static final ModelProfile PROXIED_MODEL = new ModelProfile("accounts/fireworks/models/proxied-llama",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    /** Serverless callers, each for one test: the test profile allows 4 requests and 1,000 tokens a minute. */
    static final String LIMITED_KEY = ApiKeys.generate();
    static final String LIMITED_KEY_NAME = "accounts/px-limited/users/admin/apiKeys/k";
    /** Its account's requests quota is raised to 100 a minute. */
    static final String SESSIONS_KEY = ApiKeys.generate();
    /** A deployment on the simulated engine, served alongside the proxied ones. */
    static final String SIMULATED = "accounts/acme/deployments/simulated-beside-vllm";
    static final String CHAT = "/inference/v1/chat/completions";
    static final ObjectMapper JSON = new ObjectMapper();

    static boolean published;

    @BeforeEach
    void publishTheWorld() {
        if (published) {
            return;
        }
        published = true;
        KafkaEvents kafka = kafka();
        key(kafka, "accounts/acme/users/admin/apiKeys/k-proxy", "acme", KEY);
        key(kafka, USAGE_KEY_NAME, "acme", USAGE_KEY);
        key(kafka, "accounts/other/users/admin/apiKeys/k-proxy-other", "other", OTHER_ACCOUNT_KEY);
        key(kafka, LIMITED_KEY_NAME, "px-limited", LIMITED_KEY);
        key(kafka, "accounts/px-sessions/users/admin/apiKeys/k", "px-sessions", SESSIONS_KEY);
        kafka.publish(EventTypes.QUOTA_UPDATED, "accounts/px-sessions/quotas/serverless-requests-per-minute",
                new QuotaUpdated("accounts/px-sessions/quotas/serverless-requests-per-minute", "px-sessions", null,
                        null, 100, Instant.now()));
        kafka.publish(EventTypes.DEPLOYMENT_CREATED, MockUpstream.SERVERLESS, new DeploymentCreated(
                new DeploymentSpec(MockUpstream.SERVERLESS, "uid-px-serverless", 1, "d", PROXIED_MODEL.name(),
                        PROXIED_MODEL, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL", Instant.now(), null)));
        for (String name : List.of(DEPLOYMENT, DOWN, SIMULATED)) {
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                    "uid-" + name.hashCode(), 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1,
                    "GLOBAL", Instant.now(), null)));
        }
        kafka.publish(EventTypes.REPLICA_UPDATED, SIMULATED + "/replicas/r-1", new ReplicaUpdated(
                SIMULATED + "/replicas/r-1", SIMULATED, "uid-" + SIMULATED.hashCode(), 4, "READY", "US_IOWA_1",
                "us-iowa-1-nvidia-h100-80gb-0", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(chat(DEPLOYMENT, "Say hello", ""))
                .post(CHAT).then().statusCode(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(chat(SIMULATED, "Say hello", ""))
                .post(CHAT).then().statusCode(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(OTHER_ACCOUNT_KEY)
                .body(chat(DEPLOYMENT, "Say hello", "")).post(CHAT).then().statusCode(404));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(USAGE_KEY)
                .body(chat(DEPLOYMENT, "Say hello", ", \"stream\": \"yes\"")).post(CHAT).then().statusCode(400));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(SESSIONS_KEY)
                .body(chat(PROXIED_MODEL.name(), "Say hello", ", \"max_tokens\": 16")).post(CHAT).then()
                .statusCode(200).header("x-ratelimit-limit-requests", "100"));
    }

    @Test
    void aProxiedServerlessDeploymentIsRateLimitedAsEveryServerlessOne() {
        int received = RECEIVED.size();
        for (int left = 3; left >= 0; left--) {
            Response ok = as(LIMITED_KEY).body(chat(PROXIED_MODEL.name(), "Say hello", ", \"max_tokens\": 16"
                    + (left == 0 ? ", \"stream\": true" : ""))).post(CHAT);
            ok.then().log().ifValidationFails().statusCode(200)
                    .header("x-ember-deployment", MockUpstream.SERVERLESS)
                    .header("x-ember-replica", startsWith("pair/"))
                    .header("x-ratelimit-limit-requests", "4")
                    .header("x-ratelimit-remaining-requests", String.valueOf(left))
                    .header("x-ratelimit-limit-tokens", "1000")
                    .header("x-ratelimit-reset-requests", matchesPattern("\\d+s"));
        }
        assertThat(RECEIVED.size()).isEqualTo(received + 4);

        Response refused = as(LIMITED_KEY).body(chat(PROXIED_MODEL.name(), "Say hello", ", \"max_tokens\": 16"))
                .post(CHAT);
        assertError(refused, 429, "rate_limit_exceeded");
        refused.then().header("x-ratelimit-remaining-requests", "0").header("x-ratelimit-limit-requests", "4")
                .header("x-ember-replica", nullValue());
        long retry = Long.parseLong(refused.header("Retry-After"));
        assertThat(retry).isBetween(1L, 60L);
        assertThat(refused.header("x-ratelimit-reset-requests")).isEqualTo(retry + "s");
        assertThat(RECEIVED.size()).as("a refused request is not forwarded").isEqualTo(received + 4);

        // Billed as serverless, with the tokens the upstream reported.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var reports = kafka().all(EventTypes.USAGE_REPORTED, Duration.ofSeconds(2)).stream()
                    .map(e -> e.data()).filter(u -> u.apiKey().equals(LIMITED_KEY_NAME)).toList();
            assertThat(reports).isNotEmpty().allSatisfy(u -> {
                assertThat(u.usageType()).isEqualTo(UsageReported.SERVERLESS);
                assertThat(u.deployment()).isEqualTo(MockUpstream.SERVERLESS);
                assertThat(u.account()).isEqualTo("px-limited");
            });
            assertThat(reports.stream().mapToLong(u -> u.requests()).sum()).isEqualTo(4);
            assertThat(reports.stream().mapToLong(u -> u.promptTokens()).sum())
                    .isEqualTo(4L * MockUpstream.PROMPT_TOKENS);
        });
    }

    @Test
    void aRequestAloneOverTheTokensLimitIsRefusedNamingMaxTokens() {
        Response r = as(SESSIONS_KEY).body(chat(PROXIED_MODEL.name(), "Say hello", ", \"max_tokens\": 5000"))
                .post(CHAT);
        assertError(r, 400, "invalid_request_error");
        r.then().body("error.param", equalTo("max_tokens"));
    }

    @Test
    void aSessionStaysOnOneUpstreamServerAndSessionsSpreadOverThem() {
        java.util.Set<String> servers = new java.util.TreeSet<>();
        for (int s = 0; s < 8; s++) {
            String session = "conversation-" + s;
            String first = null;
            for (int i = 0; i < 3; i++) {
                String server = as(SESSIONS_KEY).header("x-session-affinity", session)
                        .body(chat(PROXIED_MODEL.name(), "Say hello", ", \"max_tokens\": 16")).post(CHAT).then()
                        .statusCode(200).extract().header("x-ember-replica");
                first = first == null ? server : first;
                assertThat(server).as("session " + session + " stays on its server").isEqualTo(first);
            }
            servers.add(first);
        }
        assertThat(servers).as("least loaded alone would always pick the first idle server")
                .containsExactly("pair/0", "pair/1");
        assertError(as(SESSIONS_KEY).header("x-session-affinity", "x".repeat(257))
                .body(chat(PROXIED_MODEL.name(), "Say hello", "")).post(CHAT), 400, "invalid_request_error");
    }

    @Test
    void aRequestIsForwardedWithTheUpstreamsModelNameAndKeyAndItsReplyComesBackAsItIs() {
        Response r = as(KEY).header("X-Request-Id", "trace-me-1").body(chat(DEPLOYMENT, "Say hello",
                ", \"max_tokens\": 16, \"seed\": 3")).post(CHAT);

        r.then().statusCode(200).contentType(startsWith("application/json"))
                .header("x-ember-deployment", DEPLOYMENT)
                .header("x-ember-replica", "mock/0")
                .header("fireworks-prompt-tokens", "12")
                .header("X-Request-Id", "trace-me-1")
                .body("id", equalTo("chatcmpl-upstream"))
                .body("choices[0].message.content", equalTo(String.join("", TOKENS)))
                .body("usage.completion_tokens", equalTo(TOKENS.size()));
        MockUpstream.Received sent = received("trace-me-1");
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.body().getString("model")).isEqualTo(SERVED_MODEL);
        assertThat(sent.body().getInteger("max_tokens")).isEqualTo(16);
        assertThat(sent.body().getInteger("seed")).isEqualTo(3);
        assertThat(sent.headers().get("Authorization")).as("the upstream's key, never the caller's")
                .isEqualTo("Bearer " + MockUpstream.UPSTREAM_KEY);
    }

    @Test
    void textCompletionsAreForwardedToo() {
        as(KEY).header("X-Request-Id", "trace-me-2")
                .body("{\"model\": \"" + DEPLOYMENT + "\", \"prompt\": \"Once upon a time\", \"echo\": true}")
                .post("/inference/v1/completions")
                .then().statusCode(200).body("object", equalTo("text_completion"))
                .body("choices[0].text", equalTo(String.join("", TOKENS)));
        MockUpstream.Received sent = received("trace-me-2");
        assertThat(sent.path()).isEqualTo("/v1/completions");
        assertThat(sent.body().getBoolean("echo")).isTrue();
    }

    @Test
    void aStreamIsPassedOnChunkByChunkAsTheUpstreamSendsIt() throws Exception {
        List<String> events = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (Socket socket = post(chat(DEPLOYMENT, "Say hello", ", \"stream\": true"), "trace-me-3")) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(line(in)).isEqualTo("HTTP/1.1 200 OK");
            List<String> headers = new ArrayList<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                headers.add(line.toLowerCase());
            }
            assertThat(headers).contains("content-type: text/event-stream", "x-ember-deployment: " + DEPLOYMENT,
                    "x-ember-replica: mock/0", "transfer-encoding: chunked");
            // The body in HTTP chunks, which may split an event anywhere: each event is timed when it is whole.
            StringBuilder pending = new StringBuilder();
            for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                pending.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                line(in);
                for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
                    events.add(pending.substring(0, end).substring("data: ".length()));
                    arrivals.add(System.nanoTime());
                    pending.delete(0, end + 2);
                }
            }
            assertThat(pending).isEmpty();
        }
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(JSON.readTree(e));
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        assertThat(text.toString()).isEqualTo(String.join("", TOKENS));
        assertThat(chunks.get(chunks.size() - 1).path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
        // The upstream sends a token every 100 ms: the first reached the caller long before the last was sent.
        assertThat(Duration.ofNanos(arrivals.get(arrivals.size() - 1) - arrivals.get(1)))
                .isGreaterThan(Duration.ofMillis(300));
        MockUpstream.Received sent = received("trace-me-3");
        assertThat(sent.body().getJsonObject("stream_options").getBoolean("include_usage"))
                .as("asked for so that usage can be recorded").isTrue();
    }

    @Test
    void theUsageTheUpstreamReportsIsRecordedForTheLedger() {
        as(USAGE_KEY).body(chat(DEPLOYMENT, "Say hello", "")).post(CHAT).then().statusCode(200);
        as(USAGE_KEY).body(chat(DEPLOYMENT, "Say hello", ", \"stream\": true")).post(CHAT).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var reports = kafka().all(EventTypes.USAGE_REPORTED, Duration.ofSeconds(2)).stream()
                    .map(e -> e.data()).filter(u -> u.apiKey().equals(USAGE_KEY_NAME)).toList();
            assertThat(reports).allSatisfy(u -> {
                assertThat(u.deployment()).isEqualTo(DEPLOYMENT);
                assertThat(u.account()).isEqualTo("acme");
                assertThat(u.model()).isEqualTo(LLAMA_8B.name());
            });
            assertThat(reports.stream().mapToLong(u -> u.requests()).sum()).isEqualTo(2);
            assertThat(reports.stream().mapToLong(u -> u.promptTokens()).sum()).isEqualTo(24);
            assertThat(reports.stream().mapToLong(u -> u.completionTokens()).sum()).isEqualTo(2L * TOKENS.size());
        });
    }

    @Test
    void anUpstreamThatFailsIsABadGateway() {
        Response r = as(KEY).body(chat(DEPLOYMENT, "fail", "")).post(CHAT);
        assertError(r, 502, "upstream_error");
        r.then().body("error.message", startsWith("upstream mock/0 answered 500: CUDA out of memory"));
    }

    @Test
    void whatTheUpstreamRefusesIsPassedOnAsTheCallersMistake() {
        Response r = as(KEY).body(chat(DEPLOYMENT, "invalid", ", \"temperature\": -1")).post(CHAT);
        assertError(r, 400, "invalid_request_error");
        r.then().body("error.param", equalTo("temperature"))
                .body("error.message", equalTo("temperature must be non-negative, got -1.0"));
    }

    @Test
    void anUpstreamSilentPastItsTimeoutIsAGatewayTimeout() {
        Response r = as(KEY).body(chat(DEPLOYMENT, "silent", "")).post(CHAT);
        assertError(r, 504, "upstream_timeout");
    }

    @Test
    void anUpstreamNobodyAnswersIsABadGateway() {
        Response r = as(KEY).body(chat(DOWN, "Say hello", "")).post(CHAT);
        assertError(r, 502, "upstream_unavailable");
        r.then().body("error.message", startsWith("upstream down/0 failed"));
    }

    @Test
    void aCallerWhoLeavesAStreamCancelsTheUpstreamRequest() throws Exception {
        int closed = MockUpstream.ENDLESS_CLOSED.get();
        try (Socket socket = post(chat(DEPLOYMENT, "endless", ", \"stream\": true"), "trace-me-4")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            int events = 0;
            for (String line = in.readLine(); line != null && events < 3; line = in.readLine()) {
                events += line.startsWith("data: ") ? 1 : 0;
            }
            assertThat(events).isEqualTo(3);
            assertThat(MockUpstream.ENDLESS_CLOSED.get()).as("still streaming while read").isEqualTo(closed);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(MockUpstream.ENDLESS_CLOSED.get())
                .isEqualTo(closed + 1));
    }

    @Test
    void theCallersKeyAndModelAreCheckedAsForAnyRequest() {
        assertError(given().contentType(ContentType.JSON).body(chat(DEPLOYMENT, "Say hello", "")).post(CHAT), 401,
                "invalid_api_key");
        assertError(as(OTHER_ACCOUNT_KEY).body(chat(DEPLOYMENT, "Say hello", "")).post(CHAT), 404,
                "model_not_found");
        assertError(as(KEY).body(chat(DEPLOYMENT, "Say hello", ", \"stream\": 1")).post(CHAT), 400,
                "invalid_request_error");
        assertThat(RECEIVED).noneMatch(r -> r.body().getValue("stream") instanceof Number);
    }

    @Test
    void otherDeploymentsAreStillServedByTheSimulatedEngine() {
        as(KEY).body(chat(SIMULATED, "Say hello", ", \"max_tokens\": 4")).post(CHAT).then().statusCode(200)
                .header("x-ember-deployment", SIMULATED)
                .header("x-ember-replica", SIMULATED + "/replicas/r-1")
                .body("model", equalTo(SIMULATED))
                .body("usage.completion_tokens", equalTo(4));
        assertError(as(KEY).body(chat(SIMULATED, "Say hello", ", \"max_tokens\": 0")).post(CHAT), 400,
                "invalid_request_error");
    }

    @Test
    void theUnmodifiedOpenAiSdkWorksThroughTheProxy() throws Exception {
        Path script = Path.of("src/test/node/openai-sdk-proxy.mjs").toAbsolutePath();
        Process node = new ProcessBuilder("node", script.toString(), "http://127.0.0.1:" + RestAssured.port
                + "/inference/v1", KEY, DEPLOYMENT).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(node.exitValue()).as(output).isZero();

        JsonNode seen = JSON.readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
        String reply = String.join("", TOKENS);
        assertThat(seen.path("content").asText()).isEqualTo(reply);
        assertThat(seen.path("usage").path("prompt_tokens").asInt()).isEqualTo(MockUpstream.PROMPT_TOKENS);
        assertThat(seen.path("streamedText").asText()).isEqualTo(reply);
        assertThat(seen.path("chunks").asInt()).isEqualTo(TOKENS.size() + 3);
        assertThat(seen.path("finishReason").asText()).isEqualTo("stop");
        assertThat(seen.path("streamUsage").path("completion_tokens").asInt()).isEqualTo(TOKENS.size());
        assertThat(seen.path("text").asText()).isEqualTo(reply);
        assertThat(seen.path("failure").path("status").asInt()).isEqualTo(502);
        assertThat(seen.path("failure").path("code").asText()).isEqualTo("upstream_error");
    }

    /** One CRLF-ended line of an HTTP/1.1 response. */
    static String line(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("the response ended in the middle of a line: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    static MockUpstream.Received received(String requestId) {
        return RECEIVED.stream().filter(r -> requestId.equals(r.headers().get("X-Request-Id"))).findFirst()
                .orElseThrow(() -> new AssertionError("the upstream never received request " + requestId));
    }

    /** A raw HTTP/1.1 request, so that the test reads the response as it arrives and can hang up mid-stream. */
    static Socket post(String body, String requestId) throws Exception {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(10_000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nX-Request-Id: " + requestId + "\r\nContent-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return socket;
    }

    static void assertError(Response r, int status, String code) {
        r.then().log().ifValidationFails().statusCode(status).contentType(startsWith("application/json"))
                .body("error.object", equalTo("error"))
                .body("error.code", equalTo(code));
    }

    @Test
    void aProxiedDeploymentIsNeverAnsweredByTheSimulatedEngine() throws Exception {
        // Its server speaks HTTP: over gRPC the call is refused, not served by a stand-in engine.
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext()
                .build();
        try {
            Metadata auth = new Metadata();
            auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> InferenceGrpc.newBlockingStub(channel)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
                            .createChatCompletion(dev.ember.proto.v1.ChatCompletionRequest.newBuilder()
                                    .setModel(DEPLOYMENT).addMessages(dev.ember.proto.v1.ChatMessage.newBuilder()
                                            .setRole("user").setContent("hi"))
                                    .build()));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getStatus().getDescription()).contains(DEPLOYMENT).contains("over HTTP only");
        } finally {
            channel.shutdownNow();
        }
        // Nor on an endpoint the proxy does not forward.
        as(KEY).body("{\"model\": \"" + DEPLOYMENT + "\", \"input\": \"hi\"}").post("/inference/v1/embeddings")
                .then().statusCode(400).body("error.code", equalTo("proxied_deployment"));
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    static String chat(String model, String say, String extra) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + say + "\"}]"
                + extra + "}";
    }

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    private static void key(KafkaEvents kafka, String name, String account, String key) {
        kafka.publish(EventTypes.API_KEY_CREATED, name, new ApiKeyCreated(name, account, "admin", "admin",
                ApiKeys.hash(key), ApiKeys.prefix(key), null, Instant.now()));
    }
}
