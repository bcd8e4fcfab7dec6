package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.assertError;
import static dev.ember.dataplane.openai.InferenceFixture.assertParam;
import static dev.ember.dataplane.openai.InferenceFixture.chat;
import static dev.ember.dataplane.openai.InferenceFixture.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.EmberInfraResource;

/** The data plane fed by real events on the broker, as the control plane and scheduler would publish them. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ChatCompletionsTest {

    static final String KEY = InferenceFixture.KEY;
    static final String OTHER_ACCOUNT_KEY = InferenceFixture.OTHER_ACCOUNT_KEY;
    static final ModelProfile LLAMA_8B = InferenceFixture.LLAMA_8B;
    static final String READY = InferenceFixture.READY;
    static final String STARTING = InferenceFixture.STARTING;

    @BeforeEach
    void publishTheWorld() {
        InferenceFixture.publish();
    }

    @Test
    void aReadyDeploymentAnswersInTheOpenAiShape() {
        as(KEY).body(chat(READY, ", \"max_tokens\": 16"))
                .post("/inference/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("id", startsWith("chatcmpl-"))
                .body("model", equalTo(READY))
                .body("choices[0].index", equalTo(0))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", not(emptyString()))
                .body("usage.prompt_tokens", greaterThan(4))
                .body("usage.completion_tokens", lessThanOrEqualTo(16))
                .body("usage.completion_tokens", greaterThan(0));
    }

    @Test
    void theSameSeedGivesTheSameText() {
        String body = chat(READY, ", \"seed\": 42");
        String first = as(KEY).body(body).post("/inference/v1/chat/completions").then().statusCode(200)
                .extract().path("choices[0].message.content");
        as(KEY).body(body).post("/inference/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo(first))
                .body("choices[0].finish_reason", equalTo("stop"));
    }

    @Test
    void maxTokensCutsTheReplyWithFinishReasonLength() {
        as(KEY).body(chat(READY, ", \"max_tokens\": 3, \"seed\": 7")).post("/inference/v1/chat/completions")
                .then().statusCode(200)
                .body("usage.completion_tokens", equalTo(3))
                .body("choices[0].finish_reason", equalTo("length"));
    }

    @Test
    void aStreamSendsTheSameReplyAsChunksThenUsageThenDone() throws Exception {
        String whole = as(KEY).body(chat(READY, ", \"seed\": 5")).post("/inference/v1/chat/completions")
                .then().statusCode(200).extract().path("choices[0].message.content");

        Response streamed = as(KEY).body(chat(READY, ", \"seed\": 5, \"stream\": true"))
                .post("/inference/v1/chat/completions");
        streamed.then().statusCode(200).contentType(startsWith("text/event-stream"));
        List<String> events = Arrays.stream(streamed.asString().split("\n\n")).map(String::strip)
                .filter(e -> !e.isEmpty()).toList();
        assertThat(events).allMatch(e -> e.startsWith("data: "));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(json.readTree(e.substring("data: ".length())));
        }
        assertThat(chunks).allMatch(c -> c.path("object").asText().equals("chat.completion.chunk"));
        assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        assertThat(text.toString()).isEqualTo(whole);
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(chunks.size() - 2);
        assertThat(chunks.get(1).path("choices").path(0).has("finish_reason")).isTrue();
        assertThat(chunks.get(1).path("choices").path(0).path("finish_reason").isNull()).isTrue();
    }

    @Test
    void errorsOfAStreamedRequestComeBeforeTheStreamAsJson() {
        assertError(as(KEY).body(chat("accounts/acme/deployments/nope", ", \"stream\": true"))
                .post("/inference/v1/chat/completions"), 404, "invalid_request_error", "model_not_found");
    }

    @Test
    void modelsListsTheDeploymentsOfTheKeysAccountOnly() {
        as(KEY).get("/inference/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", org.hamcrest.Matchers.hasItems(READY, STARTING))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", equalTo("acme"));
        as(OTHER_ACCOUNT_KEY).get("/inference/v1/models").then().statusCode(200)
                .body("data", org.hamcrest.Matchers.empty());
        assertError(given().get("/inference/v1/models"), 401, "authentication_error", "invalid_api_key");
    }

    @Test
    void aDeletedDeploymentIsNotFoundAndAnUndeletedOneIsBack() {
        String name = "accounts/acme/deployments/comes-and-goes";
        DeploymentSpec spec = new DeploymentSpec(name, "uid-cg", 1, "d", LLAMA_8B.name(), LLAMA_8B,
                "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL", Instant.now(), null);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(spec));
        kafka().publish(EventTypes.REPLICA_UPDATED, name + "/replicas/r-9", new ReplicaUpdated(name + "/replicas/r-9",
                name, "uid-cg", 4, "READY", "US_IOWA_1", "n", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(KEY).body(chat(name, ""))
                .post("/inference/v1/chat/completions").then().statusCode(200));

        kafka().publish(EventTypes.DEPLOYMENT_DELETED, name, new DeploymentDeleted(name, "uid-cg", Instant.now(),
                Instant.now(), ""));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertError(as(KEY).body(chat(name, ""))
                .post("/inference/v1/chat/completions"), 404, "invalid_request_error", "model_not_found"));

        kafka().publish(EventTypes.DEPLOYMENT_UNDELETED, name, new DeploymentUndeleted(new DeploymentSpec(name,
                "uid-cg", 2, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                Instant.now(), null)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(KEY).body(chat(name, ""))
                .post("/inference/v1/chat/completions").then().statusCode(200));
    }

    @Test
    void responsesSayWhatServedThemAndHowFast() {
        Response r = as(KEY).body(chat(READY, ", \"max_tokens\": 8")).post("/inference/v1/chat/completions");
        r.then().statusCode(200)
                .header("x-ember-deployment", READY)
                .header("x-ember-replica", READY + "/replicas/r-1");
        assertThat(Integer.parseInt(r.header("fireworks-prompt-tokens")))
                .isEqualTo(r.jsonPath().getInt("usage.prompt_tokens"));
        // Llama 3.1 8B at FP8 on one H100: about 10 ms to the first token for a short prompt.
        assertThat(Long.parseLong(r.header("fireworks-server-time-to-first-token"))).isBetween(1L, 1000L);
    }

    @Test
    void tokensArriveAtTheSimulatedReplicasPaceNotAtOnce() {
        long start = System.nanoTime();
        int tokens = as(KEY).body(chat(READY, ", \"max_tokens\": 120, \"seed\": 3, \"stream\": true"))
                .post("/inference/v1/chat/completions").then().statusCode(200).extract().asString()
                .split("\"content\":\"").length - 2;
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        // One decode step of a lone 8B sequence on an H100 is about 4 ms: the stream cannot be faster than that.
        assertThat(tokens).isGreaterThan(10);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(3L * (tokens - 1));
    }

    @Test
    void keysAreChecked() {
        assertError(given().contentType(ContentType.JSON).body(chat(READY, ""))
                .post("/inference/v1/chat/completions"), 401, "authentication_error", "invalid_api_key");
        assertError(as("em_not_a_key").body(chat(READY, "")).post("/inference/v1/chat/completions"), 401,
                "authentication_error", "invalid_api_key");
    }

    @Test
    void anotherAccountsDeploymentIsNotFound() {
        assertError(as(OTHER_ACCOUNT_KEY).body(chat(READY, "")).post("/inference/v1/chat/completions"), 404,
                "invalid_request_error", "model_not_found");
    }

    @Test
    void unknownAndUndeployedModelsAreNotFound() {
        assertError(as(KEY).body(chat("accounts/acme/deployments/nope", "")).post("/inference/v1/chat/completions"),
                404, "invalid_request_error", "model_not_found");
        assertError(as(KEY).body(chat(LLAMA_8B.name(), "")).post("/inference/v1/chat/completions"), 404,
                "invalid_request_error", "model_not_found");
    }

    @Test
    void aDeploymentWithoutReadyReplicasAnswers503AndAsksTheSchedulerToWakeIt() {
        as(KEY).body(chat(STARTING, "")).post("/inference/v1/chat/completions").then().statusCode(503)
                .header("Retry-After", "10")
                .body("error.type", equalTo("service_unavailable"))
                .body("error.code", equalTo("DEPLOYMENT_SCALING_UP"));
        assertThat(kafka().first(EventTypes.WAKE_UP_REQUESTED, e -> e.subject().equals(STARTING),
                Duration.ofSeconds(20))).as("wake-up on ember.load").isPresent();
    }

    @Test
    void servedTrafficIsReportedToTheScheduler() {
        as(KEY).body(chat(READY, ", \"max_tokens\": 8")).post("/inference/v1/chat/completions").then()
                .statusCode(200);
        // A request may start in one report interval and finish in the next: look across this deployment's reports.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var reports = kafka().all(EventTypes.LOAD_REPORTED, Duration.ofSeconds(2)).stream()
                    .filter(e -> e.subject().equals(READY)).map(e -> e.data()).toList();
            assertThat(reports).as("load reports on ember.load").isNotEmpty();
            assertThat(reports).allMatch(r -> r.instance().startsWith("data-plane-"));
            assertThat(reports).anyMatch(r -> r.requestsPerSecond() > 0);
            assertThat(reports).anyMatch(r -> r.generatedTokensPerSecond() > 0);
        });
    }

    @Test
    void servedTokensAreReportedForTheUsageLedgerOncePerReport() {
        var first = as(KEY).body(chat(READY, ", \"max_tokens\": 5")).post("/inference/v1/chat/completions").then()
                .statusCode(200).extract();
        int prompt = first.path("usage.prompt_tokens");
        int completion = first.path("usage.completion_tokens");
        as(KEY).body(chat(READY, ", \"max_tokens\": 3, \"stream\": true")).post("/inference/v1/chat/completions")
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var reports = kafka().all(EventTypes.USAGE_REPORTED, Duration.ofSeconds(2)).stream()
                    .map(e -> e.data()).filter(u -> u.deployment().equals(READY)).toList();
            assertThat(reports).as("usage reports on ember.usage").isNotEmpty();
            assertThat(reports).allSatisfy(u -> {
                assertThat(u.account()).isEqualTo("acme");
                assertThat(u.apiKey()).isEqualTo("accounts/acme/users/admin/apiKeys/k1");
                assertThat(u.usageType()).isEqualTo("DEDICATED_DEPLOYMENT");
                assertThat(u.windowEnd()).isAfterOrEqualTo(u.windowStart());
            });
            assertThat(reports.stream().mapToLong(u -> u.requests()).sum()).isGreaterThanOrEqualTo(2);
            assertThat(reports.stream().mapToLong(u -> u.completionTokens()).sum()).isGreaterThan(completion);
            assertThat(reports.stream().mapToLong(u -> u.promptTokens()).sum()).isGreaterThanOrEqualTo(2L * prompt);
            // (instance, sequence) names each report once.
            assertThat(reports.stream().map(u -> u.instance() + "/" + u.sequence()).distinct().count())
                    .isEqualTo(reports.size());
        });
    }

    @Test
    void badRequestsNameTheParameter() {
        assertParam(as(KEY).body("{\"model\": \"" + READY + "\"}").post("/inference/v1/chat/completions"),
                "messages");
        assertParam(as(KEY).body("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/inference/v1/chat/completions"), "model");
        assertParam(as(KEY).body("{\"model\": \"" + READY + "\", \"messages\": [{\"role\": \"robot\", "
                + "\"content\": \"hi\"}]}").post("/inference/v1/chat/completions"), "messages[0].role");
        assertParam(as(KEY).body(chat(READY, ", \"max_tokens\": 0")).post("/inference/v1/chat/completions"),
                "max_tokens");
        assertParam(as(KEY).body(chat(READY, ", \"temperature\": 3")).post("/inference/v1/chat/completions"),
                "temperature");
        assertParam(as(KEY).body(chat(READY, ", \"frobnicate\": true")).post("/inference/v1/chat/completions"),
                "frobnicate");
        assertParam(as(KEY).body(chat(READY, ", \"max_tokens\": \"many\"")).post("/inference/v1/chat/completions"),
                "max_tokens");
        assertParam(as(KEY).body(chat(READY, ", \"stream\": \"yes\"")).post("/inference/v1/chat/completions"),
                "stream");
        assertParam(as(KEY).body("{\"model\": ").post("/inference/v1/chat/completions"), "body");
    }

    @Test
    void aPromptLongerThanTheContextIsRejected() {
        String huge = "word ".repeat(140_000);
        Response r = as(KEY).body("{\"model\": \"" + READY + "\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"" + huge + "\"}]}").post("/inference/v1/chat/completions");
        assertError(r, 400, "invalid_request_error", "context_length_exceeded");
    }
}
