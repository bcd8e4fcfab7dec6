package dev.ember.dataplane.openai;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.KafkaEvents;

/**
 * The world the inference tests run in, published once per test JVM on the real broker as the control plane and
 * scheduler would publish it: API keys, a deployment with a READY replica and one still starting. And what the tests
 * share to talk to it: requests, server-sent events, errors.
 */
final class InferenceFixture {

    static final String KEY = ApiKeys.generate();
    static final String OTHER_ACCOUNT_KEY = ApiKeys.generate();
    /** A key used by one test only, so the usage reported for it is that test's alone. */
    static final String USAGE_KEY = ApiKeys.generate();
    static final String USAGE_KEY_NAME = "accounts/acme/users/admin/apiKeys/k-usage";
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String READY = "accounts/acme/deployments/ready-one";
    static final String STARTING = "accounts/acme/deployments/starting-one";
    static final String CHAT = "/inference/v1/chat/completions";
    static final String COMPLETIONS = "/inference/v1/completions";
    static final ObjectMapper JSON = new ObjectMapper();

    private static boolean published;

    private InferenceFixture() {
    }

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    /** Publishes the world once (call from @BeforeEach, where the test port is known) and waits until it serves. */
    static synchronized void publish() {
        if (published) {
            return;
        }
        published = true;
        KafkaEvents kafka = kafka();
        key(kafka, "accounts/acme/users/admin/apiKeys/k1", "acme", KEY);
        key(kafka, "accounts/other/users/admin/apiKeys/k2", "other", OTHER_ACCOUNT_KEY);
        key(kafka, USAGE_KEY_NAME, "acme", USAGE_KEY);
        for (String name : new String[]{READY, STARTING}) {
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                    "uid-" + name.hashCode(), 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1,
                    "GLOBAL", Instant.now(), null)));
        }
        kafka.publish(EventTypes.REPLICA_UPDATED, READY + "/replicas/r-1", new ReplicaUpdated(READY + "/replicas/r-1",
                READY, "uid-" + READY.hashCode(), 4, "READY", "US_IOWA_1", "us-iowa-1-nvidia-h100-80gb-0",
                "NVIDIA_H100_80GB", 1, "", Instant.now()));
        kafka.publish(EventTypes.REPLICA_UPDATED, STARTING + "/replicas/r-2", new ReplicaUpdated(
                STARTING + "/replicas/r-2", STARTING, "uid-" + STARTING.hashCode(), 2, "DOWNLOADING_MODEL",
                "US_IOWA_1", "us-iowa-1-nvidia-h100-80gb-1", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        // Tests start once the data plane has applied those events.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(chat(READY, ""))
                .post(CHAT).then().statusCode(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(USAGE_KEY).body(chat(READY, ", \"n\": 0"))
                .post(CHAT).then().statusCode(400));
    }

    private static void key(KafkaEvents kafka, String name, String account, String key) {
        kafka.publish(EventTypes.API_KEY_CREATED, name, new ApiKeyCreated(name, account, "admin", "admin",
                ApiKeys.hash(key), ApiKeys.prefix(key), null, Instant.now()));
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    /** A chat request saying hello to {@code model}, with {@code extra} (", \"field\": value"...) added. */
    static String chat(String model, String extra) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello\"}]"
                + extra + "}";
    }

    /** A text completion request continuing "Once upon a time" on {@code model}, with {@code extra} added. */
    static String completion(String model, String extra) {
        return "{\"model\": \"" + model + "\", \"prompt\": \"Once upon a time\"" + extra + "}";
    }

    /** The events of a streamed response, checked to be {@code data:} lines ending with {@code [DONE]}, as JSON. */
    static List<JsonNode> events(Response streamed) {
        streamed.then().statusCode(200).contentType(startsWith("text/event-stream"));
        List<String> events = Arrays.stream(streamed.asString().split("\n\n")).map(String::strip)
                .filter(e -> !e.isEmpty()).toList();
        assertThat(events).allMatch(e -> e.startsWith("data: "));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(json(e.substring("data: ".length())));
        }
        return chunks;
    }

    /** Per choice index, what {@code piece} takes from each of its chunks' choice, joined in order. */
    static Map<Integer, String> joined(List<JsonNode> chunks, Function<JsonNode, String> piece) {
        Map<Integer, String> joined = new TreeMap<>();
        for (JsonNode chunk : chunks) {
            JsonNode choice = chunk.path("choices").path(0);
            joined.merge(choice.path("index").asInt(), piece.apply(choice), String::concat);
        }
        return joined;
    }

    /** Per choice index, its finish reason, checked to come once. */
    static Map<Integer, String> finishes(List<JsonNode> chunks) {
        Map<Integer, String> finishes = new TreeMap<>();
        for (JsonNode chunk : chunks) {
            JsonNode choice = chunk.path("choices").path(0);
            if (!choice.path("finish_reason").isNull()) {
                assertThat(finishes.put(choice.path("index").asInt(), choice.path("finish_reason").asText()))
                        .as("one end per choice").isNull();
            }
        }
        return finishes;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static void assertError(Response r, int status, String type, String code) {
        r.then().log().ifValidationFails().statusCode(status)
                .body("error.object", equalTo("error"))
                .body("error.type", equalTo(type))
                .body("error.code", equalTo(code))
                .body("error.message", not(emptyString()));
    }

    static void assertParam(Response r, String param) {
        r.then().log().ifValidationFails().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param));
    }
}
