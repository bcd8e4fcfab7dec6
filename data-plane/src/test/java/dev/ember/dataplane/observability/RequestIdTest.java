package dev.ember.dataplane.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/** Every request gets an ID that comes back in the response and is on every log line written while serving it. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class RequestIdTest {

    static final String KEY = ApiKeys.generate();
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    /** No replica: a request for it is refused with 503 DEPLOYMENT_SCALING_UP, which the data plane logs. */
    static final String COLD = "accounts/tracer/deployments/cold";

    static boolean published;

    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {

        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                ext.copyMdc();
            }
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void aDeploymentWithoutReplicas() {
        Logger.getLogger("").addHandler(capture);
        if (published) {
            return;
        }
        published = true;
        KafkaEvents kafka = new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers",
                String.class));
        kafka.publish(EventTypes.API_KEY_CREATED, "accounts/tracer/users/admin/apiKeys/k1", new ApiKeyCreated(
                "accounts/tracer/users/admin/apiKeys/k1", "tracer", "admin", "admin", ApiKeys.hash(KEY),
                ApiKeys.prefix(KEY), null, Instant.now()));
        kafka.publish(EventTypes.DEPLOYMENT_CREATED, COLD, new DeploymentCreated(new DeploymentSpec(COLD, "uid-cold", 1,
                "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL", Instant.now(), null)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> coldRequest("warm-up").then().statusCode(503));
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    static io.restassured.response.Response coldRequest(String requestId) {
        return given().header("Authorization", "Bearer " + KEY).header("X-Request-Id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\": \"" + COLD + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/inference/v1/chat/completions");
    }

    @Test
    void theCallersRequestIdIsEchoedAndOnTheLogLineOfItsRefusal() {
        String id = "req-" + System.nanoTime();
        coldRequest(id).then().statusCode(503).header("X-Request-Id", equalTo(id));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(records)
                .filteredOn(r -> r.getLoggerName().endsWith("OpenAiErrors"))
                .filteredOn(r -> String.valueOf(r.getMessage()).contains("Inference refused")
                        || r instanceof ExtLogRecord ext && ext.getFormattedMessage().contains("Inference refused"))
                .extracting(r -> ((ExtLogRecord) r).getMdc("requestId"))
                .contains(id));
    }

    @Test
    void aRequestWithoutAnIdGetsOne() {
        given().get("/inference/v1/models").then().statusCode(401)
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }

    @Test
    void anIdThatCouldForgeLogLinesIsReplaced() {
        given().header("X-Request-Id", "abc def").get("/inference/v1/models").then()
                .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    }
}
