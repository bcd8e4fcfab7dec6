package dev.ember.dataplane.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;
import dev.ember.testsupport.PrometheusText;

/** What an operator's Prometheus sees on /q/metrics while users query a deployment. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ServingMetricsTest {

    static final String KEY = ApiKeys.generate();
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String DEPLOYMENT = "accounts/observer/deployments/watched";
    static final String REPLICA = DEPLOYMENT + "/replicas/r-obs1";
    static final String[] SERIES = {"model", LLAMA_8B.name(), "deployment", DEPLOYMENT};
    static final String CHAT = "/inference/v1/chat/completions";

    static boolean published;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void oneReadyReplica() {
        if (published) {
            return;
        }
        published = true;
        KafkaEvents kafka = new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers",
                String.class));
        kafka.publish(EventTypes.API_KEY_CREATED, "accounts/observer/users/admin/apiKeys/k1", new ApiKeyCreated(
                "accounts/observer/users/admin/apiKeys/k1", "observer", "admin", "admin", ApiKeys.hash(KEY),
                ApiKeys.prefix(KEY), null, Instant.now()));
        kafka.publish(EventTypes.DEPLOYMENT_CREATED, DEPLOYMENT, new DeploymentCreated(new DeploymentSpec(DEPLOYMENT,
                "uid-watched", 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                Instant.now(), null)));
        kafka.publish(EventTypes.REPLICA_UPDATED, REPLICA, new ReplicaUpdated(REPLICA, DEPLOYMENT, "uid-watched", 4,
                "READY", "US_IOWA_1", "us-iowa-1-nvidia-h100-80gb-0", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(chat(", \"max_tokens\": 1"))
                .post(CHAT).then().statusCode(200));
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    static String chat(String extra) {
        return "{\"model\": \"" + DEPLOYMENT + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello\"}]"
                + extra + "}";
    }

    static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void aCompletionMovesTheVllmStyleHistogramsAndTheRequestCounters() {
        PrometheusText before = scrape();

        JsonPath reply = as(KEY).body(chat(", \"max_tokens\": 8, \"seed\": 3")).post(CHAT).then().statusCode(200)
                .extract().jsonPath();
        int prompt = reply.getInt("usage.prompt_tokens");
        int generated = reply.getInt("usage.completion_tokens");
        String finish = reply.getString("choices[0].finish_reason");
        assertThat(generated).isBetween(2, 8);

        PrometheusText after = scrape();
        assertThat(after.sum("ember_time_to_first_token_seconds_count", SERIES)
                - before.sum("ember_time_to_first_token_seconds_count", SERIES)).isEqualTo(1);
        assertThat(after.sum("ember_time_to_first_token_seconds_sum", SERIES))
                .isGreaterThan(before.sum("ember_time_to_first_token_seconds_sum", SERIES));
        assertThat(after.find("ember_time_to_first_token_seconds_bucket", SERIES)).as("vLLM's buckets")
                .anySatisfy(s -> assertThat(s.labels()).containsEntry("le", "0.04"));
        assertThat(after.sum("ember_time_per_output_token_seconds_count", SERIES)
                - before.sum("ember_time_per_output_token_seconds_count", SERIES)).isEqualTo(generated - 1);
        assertThat(after.sum("ember_request_prompt_tokens_sum", SERIES)
                - before.sum("ember_request_prompt_tokens_sum", SERIES)).isEqualTo(prompt);
        assertThat(after.sum("ember_request_generation_tokens_sum", SERIES)
                - before.sum("ember_request_generation_tokens_sum", SERIES)).isEqualTo(generated);
        assertThat(after.sum("ember_request_success_total", "deployment", DEPLOYMENT, "finished_reason", finish)
                - before.sum("ember_request_success_total", "deployment", DEPLOYMENT, "finished_reason", finish))
                .isEqualTo(1);
        // Request rate and errors by templated route: the path, never the model or the key.
        assertThat(after.sum("http_server_requests_seconds_count", "uri", CHAT, "status", "200")
                - before.sum("http_server_requests_seconds_count", "uri", CHAT, "status", "200")).isEqualTo(1);
    }

    @Test
    void aStreamedCompletionCountsItsFirstTokenToo() {
        double before = scrape().sum("ember_time_to_first_token_seconds_count", SERIES);
        as(KEY).body(chat(", \"max_tokens\": 4, \"stream\": true")).post(CHAT).then().statusCode(200);
        assertThat(scrape().sum("ember_time_to_first_token_seconds_count", SERIES) - before).isEqualTo(1);
    }

    @Test
    void errorsAreCountedByStatusUnderTheRouteTemplate() {
        PrometheusText before = scrape();
        as(KEY).body(chat(", \"temperature\": 5")).post(CHAT).then().statusCode(400);
        as(KEY).body("{\"model\": \"accounts/observer/deployments/nope-" + System.nanoTime()
                + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").post(CHAT).then().statusCode(404);
        PrometheusText after = scrape();

        assertThat(after.sum("http_server_requests_seconds_count", "uri", CHAT, "status", "400", "outcome",
                "CLIENT_ERROR") - before.sum("http_server_requests_seconds_count", "uri", CHAT, "status", "400"))
                .isEqualTo(1);
        // Quarkus files every 404 under uri="NOT_FOUND", so unknown paths cannot grow the label set either.
        assertThat(after.sum("http_server_requests_seconds_count", "status", "404")
                - before.sum("http_server_requests_seconds_count", "status", "404")).isEqualTo(1);
        assertThat(after.find("http_server_requests_seconds_count")).as("no model names in uri labels")
                .noneSatisfy(s -> assertThat(s.labels().get("uri")).contains("nope-"));
    }

    /**
     * A long prompt holds its batch slot while it is prefilled: between the first event of its stream (sent before
     * the first token) and the first token, the replica's running gauge counts it.
     */
    @Test
    void theReplicaGaugeCountsARequestWhileItRuns() throws Exception {
        String[] replica = {"model", LLAMA_8B.name(), "deployment", DEPLOYMENT, "replica", "r-obs1"};
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText idle = scrape();
            assertThat(idle.find("ember_num_requests_running", replica)).hasSize(1);
            assertThat(idle.sum("ember_num_requests_running", replica)).isZero();
            assertThat(idle.find("ember_num_requests_waiting", replica)).hasSize(1);
        });

        String prompt = "lorem ipsum dolor sit amet ".repeat(12_000);
        HttpURLConnection stream = (HttpURLConnection) new URL(base, CHAT.substring(1)).openConnection();
        stream.setRequestMethod("POST");
        stream.setDoOutput(true);
        stream.setRequestProperty("Authorization", "Bearer " + KEY);
        stream.setRequestProperty("Content-Type", "application/json");
        stream.getOutputStream().write(("{\"model\": \"" + DEPLOYMENT + "\", \"stream\": true, \"max_tokens\": 2, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"" + prompt + "\"}]}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(stream.getResponseCode()).isEqualTo(200);
        try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(events.readLine()).startsWith("data: ").contains("\"role\":\"assistant\"");
            assertThat(scrape().sum("ember_num_requests_running", replica)).isEqualTo(1);
            String line;
            do {
                line = events.readLine();
            } while (line != null && !line.equals("data: [DONE]"));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().sum(
                "ember_num_requests_running", replica)).isZero());
    }

    @Test
    void kafkaConsumerLagIsExposedForEveryConsumedChannel() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusText metrics = scrape();
            for (String channel : new String[]{"ember-resources", "ember-replicas"}) {
                assertThat(metrics.find("kafka_consumer_fetch_manager_records_lag_max", "client_id",
                        "kafka-consumer-" + channel)).as(channel).hasSize(1);
            }
        });
    }
}
