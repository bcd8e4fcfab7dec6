package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.ember.dataplane.engine.JsonSchemas;
import dev.ember.testsupport.EmbeddedPostgresServer;
import dev.ember.testsupport.PrometheusText;

/**
 * The platform as a user runs it: the three packaged services started by the launcher on a real PostgreSQL and
 * Kafka, a deployment created through the control plane and queried through the data plane, then a restart on the
 * same home.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlatformIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final String DEPLOYMENT_ID = "e2e-llama";
    private static final String BASE_MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Path repo = Path.of("../..").toAbsolutePath().normalize();
    private final Path home = Path.of("target/e2e-home").toAbsolutePath();
    private LocalPlatform.Running platform;

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (String module : LocalPlatform.MODULES) {
                Path log = ServiceProcess.logFile(home, module);
                System.out.println("---- last 60 lines of " + log + "\n" + ServiceProcess.tail(log, 60) + "\n----");
            }
        }
    };

    @BeforeAll
    void startPlatform() throws IOException {
        deleteTree(home);
        platform = LocalPlatform.start(LocalPlatform.Options.isolated(repo, home));
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void authFileTellsClientsWhereThePlatformIsAndWhichKeyToUse() throws IOException {
        Path authFile = home.resolve("auth.ini");

        assertThat(platform.authFile()).isEqualTo(authFile);
        assertThat(Files.readAllLines(authFile)).contains(
                "account_id = " + platform.accountId(),
                "api_key = " + platform.apiKey(),
                "api_base = " + platform.controlPlaneUrl(),
                "inference_base = " + platform.dataPlaneUrl() + "/inference/v1");
        assertThat(Files.getPosixFilePermissions(authFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(platform.apiKey()).startsWith("em_");
    }

    @Test
    @Order(2)
    void deploymentServesChatCompletionsAndSurvivesARestart() {
        String account = platform.accountId();
        String deploymentName = "accounts/" + account + "/deployments/" + DEPLOYMENT_ID;

        Response created = post(platform.controlPlaneUrl() + "/v1/accounts/" + account
                + "/deployments?deploymentId=" + DEPLOYMENT_ID,
                "{\"baseModel\":\"" + BASE_MODEL + "\", \"enableAddons\": true}",
                platform.apiKey());
        assertThat(created.status()).as(created.describe()).isEqualTo(200);
        assertThat(created.body().path("name").asText()).as(created.describe()).isEqualTo(deploymentName);
        assertThat(created.body().path("state").asText()).as(created.describe()).isEqualTo("CREATING");

        JsonNode ready = awaitDeploymentReady();
        assertThat(ready.path("replicaCount").asInt()).as(ready.toString()).isEqualTo(1);
        assertThat(ready.path("replicaStats").path("readyReplicaCount").asInt()).as(ready.toString()).isEqualTo(1);

        JsonNode completion = awaitChatCompletion(deploymentName);
        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.path("model").asText()).isEqualTo(deploymentName);
        JsonNode message = completion.path("choices").path(0).path("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("content").asText()).isNotBlank();
        assertThat(completion.path("usage").path("completion_tokens").asInt()).isBetween(1, 16);
        assertThat(completion.path("usage").path("prompt_tokens").asInt()).isPositive();

        Response anonymous = post(chatUrl(), chatBody(deploymentName), null);
        assertThat(anonymous.status()).as(anonymous.describe()).isEqualTo(401);
        assertThat(anonymous.body().path("error").path("code").isMissingNode()).as(anonymous.describe()).isFalse();
        Response wrongKey = post(chatUrl(), chatBody(deploymentName), "em_" + "x".repeat(40));
        assertThat(wrongKey.status()).as(wrongKey.describe()).isEqualTo(401);

        String apiKey = platform.apiKey();
        platform.close();
        platform = LocalPlatform.start(LocalPlatform.Options.isolated(repo, home));

        assertThat(platform.accountId()).isEqualTo(account);
        assertThat(platform.apiKey()).isEqualTo(apiKey);
        Response accountAfterRestart = get(platform.controlPlaneUrl() + "/v1/accounts/" + account);
        assertThat(accountAfterRestart.status()).as(accountAfterRestart.describe()).isEqualTo(200);
        Response deploymentAfterRestart = get(deploymentUrl());
        assertThat(deploymentAfterRestart.status()).as(deploymentAfterRestart.describe()).isEqualTo(200);
        assertThat(deploymentAfterRestart.body().path("name").asText()).isEqualTo(deploymentName);
        assertThat(awaitChatCompletion(deploymentName).path("object").asText()).isEqualTo("chat.completion");
    }

    private JsonNode awaitDeploymentReady() {
        AtomicReference<JsonNode> deployment = new AtomicReference<>();
        await("deployment " + DEPLOYMENT_ID + " READY").atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
            Response response = get(deploymentUrl());
            assertThat(response.status()).as(response.describe()).isEqualTo(200);
            assertThat(response.body().path("state").asText()).as(response.describe()).isEqualTo("READY");
            deployment.set(response.body());
        });
        return deployment.get();
    }

    /** Polls: the data plane learns of the ready replica from Kafka a moment after the control plane does. */
    private JsonNode awaitChatCompletion(String deploymentName) {
        AtomicReference<JsonNode> completion = new AtomicReference<>();
        await("a chat completion from " + deploymentName).atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
            Response response = post(chatUrl(), chatBody(deploymentName), platform.apiKey());
            assertThat(response.status()).as(response.describe()).isEqualTo(200);
            completion.set(response.body());
        });
        return completion.get();
    }

    private String deploymentUrl() {
        return platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId() + "/deployments/" + DEPLOYMENT_ID;
    }

    private String chatUrl() {
        return platform.dataPlaneUrl() + "/inference/v1/chat/completions";
    }

    private String chatBody(String deploymentName) {
        return json.createObjectNode()
                .put("model", deploymentName)
                .put("max_tokens", 16)
                .set("messages", json.createArrayNode().add(json.createObjectNode()
                        .put("role", "user")
                        .put("content", "Say hello")))
                .toString();
    }

    @Test
    @Order(3)
    void thePlatformsDatabaseWaitsForTheDiskBeforeACommitReturns() throws SQLException {
        try (Connection db = DriverManager.getConnection(platform.databaseUrl(), EmbeddedPostgresServer.USER, null);
                Statement s = db.createStatement()) {
            for (String setting : List.of("synchronous_commit", "fsync")) {
                try (ResultSet value = s.executeQuery("show " + setting)) {
                    assertThat(value.next()).isTrue();
                    assertThat(value.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
    }

    @Test
    @Order(3)
    void everyServiceExposesHealthMetricsAndOpenApi() {
        for (String base : List.of(platform.controlPlaneUrl(), platform.schedulerUrl(), platform.dataPlaneUrl())) {
            Response health = get(base + "/q/health");
            assertThat(health.status()).as(base + " " + health.describe()).isEqualTo(200);
            assertThat(health.body().path("status").asText()).as(base).isEqualTo("UP");
            // Any request outside /q is timed, a 404 too: its latency lands in the service's buckets.
            assertThat(get(base + "/v1/no-such-path").status()).as(base).isEqualTo(404);
            Response metrics = get(base + "/q/metrics");
            assertThat(metrics.status()).as(base).isEqualTo(200);
            assertThat(metrics.text()).as(base).contains("jvm_memory_used_bytes");
            assertThat(PrometheusText.parse(metrics.text())
                    .buckets("http_server_requests_seconds_bucket", "uri", "NOT_FOUND")).as(base)
                    .containsKeys(0.02, Double.POSITIVE_INFINITY);
            Response openApi = get(base + "/q/openapi?format=json");
            assertThat(openApi.status()).as(base).isEqualTo(200);
            assertThat(openApi.body().path("openapi").asText()).as(base).startsWith("3.");
        }
    }

    @Test
    @Order(4)
    void theUnmodifiedOpenAiSdkWorksAgainstTheDataPlane() throws Exception {
        String model = "accounts/" + platform.accountId() + "/deployments/" + DEPLOYMENT_ID;
        JsonNode seen = node("openai-sdk.mjs", platform.inferenceBaseUrl(), platform.apiKey(), model);
        assertThat(seen.path("object").asText()).as("%s", seen).isEqualTo("chat.completion");
        assertThat(seen.path("model").asText()).isEqualTo(model);
        assertThat(seen.path("content").asText()).isNotBlank();
        assertThat(seen.path("usage").path("completion_tokens").asInt()).isBetween(1, 32);
        assertThat(seen.path("streamedText").asText()).as("same seed, same text, streamed")
                .isEqualTo(seen.path("content").asText());
        assertThat(seen.path("chunks").asInt()).isGreaterThan(2);
        assertThat(seen.path("finishReason").asText()).isIn("stop", "length");
        assertThat(seen.path("streamUsage").path("completion_tokens").asInt())
                .isEqualTo(seen.path("usage").path("completion_tokens").asInt());
        assertThat(seen.path("notFound").path("status").asInt()).isEqualTo(404);
        assertThat(seen.path("notFound").path("code").asText()).isEqualTo("model_not_found");
        assertThat(seen.path("badKey").path("status").asInt()).isEqualTo(401);

        JsonNode text = seen.path("text");
        assertThat(text.path("object").asText()).isEqualTo("text_completion");
        assertThat(text.path("text").asText()).as("echo, then the continuation").startsWith("Once upon a time ");
        StringBuilder tokens = new StringBuilder();
        text.path("tokens").forEach(t -> tokens.append(t.asText()));
        assertThat(tokens.toString()).as("logprobs tokens spell the text").isEqualTo(text.path("text").asText());
        assertThat(text.path("firstTokenLogprob").isNull()).isTrue();
        assertThat(seen.path("streamedCompletion").asText()).as("same seed, same text, streamed")
                .isEqualTo(text.path("text").asText());
        assertThat(seen.path("completionStreamUsage")).isEqualTo(text.path("usage"));

        JsonNode several = seen.path("several");
        assertThat(several.path("indexes").toString()).isEqualTo("[0,1,2]");
        for (int i = 0; i < 3; i++) {
            String content = several.path("contents").path(i).asText();
            assertThat(content).isNotBlank().doesNotContain(".");
            assertThat(several.path("logprobTokens").path(i).asText()).isEqualTo(content);
            assertThat(several.path("finishReasons").path(i).asText()).isIn("stop", "length");
        }

        JsonNode call = seen.path("streamedCall");
        assertThat(call.path("finishReason").asText()).isEqualTo("tool_calls");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(JsonSchemas.violations(seen.path("schemas").path("weather"), call.path("arguments")))
                .as("%s", call.path("arguments")).isEmpty();

        JsonNode runner = seen.path("runner");
        assertThat(runner.path("toolCalls")).as("the runner called the function once, then got an answer")
                .hasSize(1);
        assertThat(JsonSchemas.violations(seen.path("schemas").path("weather"), runner.path("toolCalls").path(0)))
                .isEmpty();
        assertThat(runner.path("answer").asText()).isNotBlank();
        assertThat(runner.path("requests").asInt()).isEqualTo(2);

        assertThat(JsonSchemas.violations(seen.path("schemas").path("person"), seen.path("structured")))
                .as("%s", seen.path("structured")).isEmpty();
        assertThat(seen.path("structured").isObject()).isTrue();
    }

    @Test
    @Order(4)
    void theGrpcInferenceApiWorksFromNodeWithGrpcJs() throws Exception {
        String model = "accounts/" + platform.accountId() + "/deployments/" + DEPLOYMENT_ID;
        JsonNode seen = node("grpc-inference.mjs", URI.create(platform.dataPlaneUrl()).getAuthority(),
                platform.apiKey(), model, repo.resolve("common/src/main/proto").toString());
        assertThat(seen.path("object").asText()).as("%s", seen).isEqualTo("chat.completion");
        assertThat(seen.path("model").asText()).isEqualTo(model);
        assertThat(seen.path("content").asText()).isNotBlank();
        assertThat(seen.path("usage").path("completion_tokens").asInt()).isBetween(1, 32);
        assertThat(seen.path("headers").path("x-ember-deployment").asText()).isEqualTo(model);
        assertThat(seen.path("headers").path("fireworks-prompt-tokens").asInt())
                .isEqualTo(seen.path("usage").path("prompt_tokens").asInt());
        assertThat(seen.path("streamedText").asText()).as("same seed, same text, streamed")
                .isEqualTo(seen.path("content").asText());
        assertThat(seen.path("chunks").asInt()).isGreaterThan(2);
        assertThat(seen.path("finishReason").asText()).isIn("stop", "length");
        assertThat(seen.path("streamUsage")).isEqualTo(seen.path("usage"));
        assertThat(seen.path("streamTrailers").path("fireworks-server-time-to-first-token").asLong()).isPositive();
        assertThat(seen.path("text").asText()).startsWith("Once upon a time ");
        assertThat(seen.path("streamedCompletion").asText()).isEqualTo(seen.path("text").asText());
        assertThat(seen.path("toolFinish").asText()).isEqualTo("tool_calls");
        assertThat(seen.path("toolCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(json.readTree(seen.path("toolCall").path("arguments").asText()).path("city").isTextual()).isTrue();

        assertThat(seen.path("notFound").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(seen.path("notFound").path("reason").asText()).isEqualTo("model_not_found");
        assertThat(seen.path("notFound").path("message").asText()).contains(model + "-missing");
        assertThat(seen.path("badParam").path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(seen.path("badParam").path("param").asText()).isEqualTo("max_tokens");
        assertThat(seen.path("badParam").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(seen.path("badKey").path("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(seen.path("badKey").path("reason").asText()).isEqualTo("invalid_api_key");
        assertThat(seen.path("noKey").path("code").asText()).isEqualTo("UNAUTHENTICATED");
    }

    /** Runs a script of src/test/node with {@code args}; checks it succeeded and returns its last line as JSON. */
    private JsonNode node(String script, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("node",
                Path.of("src/test/node", script).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(output).isZero();
        return json.readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
    }

    @Test
    @Order(5)
    void aDeletedDeploymentStopsServingAndAnUndeletedOneServesAgain() {
        String deploymentName = "accounts/" + platform.accountId() + "/deployments/" + DEPLOYMENT_ID;
        Response deleted = send(HttpRequest.newBuilder(URI.create(deploymentUrl()))
                .header("Authorization", "Bearer " + platform.apiKey()).DELETE());
        assertThat(deleted.status()).as(deleted.describe()).isEqualTo(200);
        // DELETING while the scheduler drains the replica, then DELETED.
        assertThat(get(deploymentUrl()).body().path("state").asText()).isIn("DELETING", "DELETED");
        await("the replica drains and the deployment is DELETED").atMost(WAIT).pollInterval(POLL)
                .untilAsserted(() -> assertThat(get(deploymentUrl()).body().path("state").asText())
                        .isEqualTo("DELETED"));

        await("the data plane stops routing to the deleted deployment").atMost(WAIT).pollInterval(POLL)
                .untilAsserted(() -> {
                    Response r = post(chatUrl(), chatBody(deploymentName), platform.apiKey());
                    assertThat(r.status()).as(r.describe()).isEqualTo(404);
                    assertThat(r.body().path("error").path("code").asText()).isEqualTo("model_not_found");
                });

        Response undeleted = post(deploymentUrl() + ":undelete", "{}", platform.apiKey());
        assertThat(undeleted.status()).as(undeleted.describe()).isEqualTo(200);
        awaitDeploymentReady();
        awaitChatCompletion(deploymentName);
    }

    @Test
    @Order(6)
    void aKeyRevokedThroughTheControlPlaneIsRefusedByTheDataPlaneWithinASecond() {
        String users = platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId() + "/users";
        Response user = post(users + "?userId=e2e-user", "{\"role\": \"user\"}", platform.apiKey());
        assertThat(user.status()).as(user.describe()).isEqualTo(200);
        Response key = post(users + "/e2e-user/apiKeys", "{\"apiKey\": {\"displayName\": \"e2e\"}}",
                platform.apiKey());
        assertThat(key.status()).as(key.describe()).isEqualTo(200);
        String secret = key.body().path("key").asText();
        String models = platform.dataPlaneUrl() + "/inference/v1/models";
        await("the data plane learns the new key").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(get(models, secret).status()).isEqualTo(200));

        Response revoked = post(users + "/e2e-user/apiKeys:delete",
                "{\"keyId\": \"" + key.body().path("keyId").asText() + "\"}", secret);
        long committed = System.nanoTime();
        assertThat(revoked.status()).as(revoked.describe()).isEqualTo(200);
        AtomicReference<Response> refused = new AtomicReference<>();
        await("the data plane refuses the revoked key").atMost(Duration.ofSeconds(10))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                    Response r = get(models, secret);
                    assertThat(r.status()).as(r.describe()).isEqualTo(401);
                    refused.set(r);
                });
        Duration commitToRefusal = Duration.ofNanos(System.nanoTime() - committed);
        System.out.println("A key revoked through the control plane was refused by the data plane "
                + commitToRefusal.toMillis() + " ms after the revocation returned");
        assertThat(commitToRefusal).as("control-plane revocation to data-plane refusal")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(refused.get().body().path("error").path("code").asText()).isEqualTo("API_KEY_REVOKED");
        Response controlPlane = get(platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId(), secret);
        assertThat(controlPlane.status()).as(controlPlane.describe()).isEqualTo(401);
        assertThat(get(models, platform.apiKey()).status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void aCatalogModelIsServedServerlessToAnotherAccountWithinTheLimitItsQuotaSets() {
        String cp = platform.controlPlaneUrl();
        String admin = platform.apiKey();
        // The platform's serverless account, and its deployment of a catalog model.
        Response serverless = post(cp + "/v1/accounts?accountId=fireworks", "{\"email\": \"serverless@example.com\"}",
                admin);
        assertThat(serverless.status()).as(serverless.describe()).isIn(200, 409);
        Response shared = post(cp + "/v1/accounts/fireworks/deployments?deploymentId=llama-serverless",
                "{\"baseModel\": \"" + BASE_MODEL + "\"}", admin);
        assertThat(shared.status()).as(shared.describe()).isEqualTo(200);
        // A tenant with a key of its own, limited to 2 serverless requests a minute by its quota.
        Response tenant = post(cp + "/v1/accounts?accountId=e2e-tenant", "{\"email\": \"tenant@example.com\"}", admin);
        assertThat(tenant.status()).as(tenant.describe()).isEqualTo(200);
        Response user = post(cp + "/v1/accounts/e2e-tenant/users?userId=dev", "{\"role\": \"user\"}", admin);
        assertThat(user.status()).as(user.describe()).isEqualTo(200);
        Response key = post(cp + "/v1/accounts/e2e-tenant/users/dev/apiKeys",
                "{\"apiKey\": {\"displayName\": \"e2e\"}}", admin);
        assertThat(key.status()).as(key.describe()).isEqualTo(200);
        String secret = key.body().path("key").asText();
        Response quota = send(HttpRequest.newBuilder(URI.create(cp
                + "/v1/accounts/e2e-tenant/quotas/serverless-requests-per-minute"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"value\": \"2\"}")));
        assertThat(quota.status()).as(quota.describe()).isEqualTo(200);

        await("the tenant is served by the serverless deployment within its quota").atMost(WAIT).pollInterval(POLL)
                .untilAsserted(() -> {
                    Response r = post(chatUrl(), chatBody(BASE_MODEL), secret);
                    assertThat(r.status()).as(r.describe()).isEqualTo(200);
                    assertThat(r.header("x-ember-deployment"))
                            .isEqualTo("accounts/fireworks/deployments/llama-serverless");
                    assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo("2");
                });
        Response refused = null;
        for (int i = 0; i < 3 && refused == null; i++) {
            Response r = post(chatUrl(), chatBody(BASE_MODEL), secret);
            if (r.status() == 429) {
                refused = r;
            } else {
                assertThat(r.status()).as(r.describe()).isEqualTo(200);
            }
        }
        assertThat(refused).as("a third request in the minute is refused").isNotNull();
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(Integer.parseInt(refused.header("retry-after"))).isBetween(1, 60);
    }

    @Test
    @Order(8)
    void aLoraFineTunedFromADatasetIsLoadedOntoTheDeploymentAndServes() {
        String account = platform.accountId();
        String v1 = platform.controlPlaneUrl() + "/v1/accounts/" + account;
        String data = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
                + "{\"role\": \"assistant\", \"content\": \"Hello!\"}]}\n";
        String jsonl = data.repeat(4);
        Response dataset = post(v1 + "/datasets", "{\"datasetId\": \"e2e-data\", \"dataset\": {}}", platform.apiKey());
        assertThat(dataset.status()).as(dataset.describe()).isEqualTo(200);
        Response endpoint = post(v1 + "/datasets/e2e-data:getUploadEndpoint", "{\"filenameToSize\": "
                + "{\"train.jsonl\": " + jsonl.length() + "}}", platform.apiKey());
        assertThat(endpoint.status()).as(endpoint.describe()).isEqualTo(200);
        Response put = send(HttpRequest.newBuilder(URI.create(endpoint.body().path("filenameToSignedUrls")
                .path("train.jsonl").asText())).PUT(HttpRequest.BodyPublishers.ofString(jsonl)));
        assertThat(put.status()).as(put.describe()).isEqualTo(200);
        Response validated = post(v1 + "/datasets/e2e-data:validateUpload", "{}", platform.apiKey());
        assertThat(validated.status()).as(validated.describe()).isEqualTo(200);
        assertThat(get(v1 + "/datasets/e2e-data").body().path("exampleCount").asText()).isEqualTo("4");

        Response job = post(v1 + "/supervisedFineTuningJobs?supervisedFineTuningJobId=e2e-tune", "{\"dataset\": \""
                + "accounts/" + account + "/datasets/e2e-data\", \"baseModel\": \"" + BASE_MODEL + "\", "
                + "\"outputModel\": \"e2e-lora\"}", platform.apiKey());
        assertThat(job.status()).as(job.describe()).isEqualTo(200);
        await("the fine-tuning job COMPLETED").atMost(WAIT).pollInterval(POLL).untilAsserted(() -> {
            Response r = get(v1 + "/supervisedFineTuningJobs/e2e-tune");
            assertThat(r.body().path("state").asText()).as(r.describe()).isEqualTo("JOB_STATE_COMPLETED");
        });
        String lora = "accounts/" + account + "/models/e2e-lora";
        Response model = get(platform.controlPlaneUrl() + "/v1/" + lora);
        assertThat(model.body().path("state").asText()).as(model.describe()).isEqualTo("READY");

        Response loaded = post(platform.controlPlaneUrl() + "/v1/accounts/" + account + "/deployedModels"
                + "?deployedModelId=e2e-lora-on-llama",
                "{\"model\": \"" + lora + "\", \"deployment\": \""
                        + "accounts/" + account + "/deployments/" + DEPLOYMENT_ID + "\"}",
                platform.apiKey());
        assertThat(loaded.status()).as(loaded.describe()).isEqualTo(200);
        JsonNode completion = awaitChatCompletion(lora);
        assertThat(completion.path("choices").path(0).path("message").path("content").asText()).isNotBlank();
    }

    private Response get(String url) {
        return get(url, platform.apiKey());
    }

    private Response get(String url, String apiKey) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + apiKey)
                .GET());
    }

    private Response post(String url, String body, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return send(request);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), parse(response.body()), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(String body) {
        try {
            return body.isBlank() ? MissingNode.getInstance() : json.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private record Response(int status, String text, JsonNode body, HttpHeaders headers) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String describe() {
            return "HTTP " + status + ": " + text;
        }
    }
}
