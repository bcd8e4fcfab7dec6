package dev.ember.scheduler.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.scheduler.TestClock;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;
import dev.ember.testsupport.PrometheusText;

/** What an operator's Prometheus sees of the scheduler while a deployment comes up. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class SchedulerMetricsTest {

    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String[] POOL = {"region", "US_VIRGINIA_1", "accelerator_type", "NVIDIA_H200_141GB"};

    static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void replicasByStateGpusPerPoolAndTicksAreOnMetrics() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape().find(
                "ember_scheduler_gpus_total", POOL)).hasSize(1));
        PrometheusText before = scrape();
        assertThat(before.sum("ember_scheduler_gpus_total", POOL)).isEqualTo(4 * 8);

        String name = "accounts/acme/deployments/metered";
        DeploymentSpec spec = new DeploymentSpec(name, UUID.randomUUID().toString(), 1, "metered", LLAMA_8B.name(),
                LLAMA_8B, "NVIDIA_H200_141GB", 2, "FP8", 0, 1, "US_VIRGINIA_1", Instant.now(), null);
        new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class))
                .publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(spec));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusText now = scrape();
            assertThat(now.sum("ember_scheduler_desired_replicas", "deployment", name)).isEqualTo(1);
            assertThat(now.sum("ember_scheduler_replicas", "deployment", name, "state", "DOWNLOADING_MODEL"))
                    .isEqualTo(1);
            assertThat(now.sum("ember_scheduler_replicas", "deployment", name, "state", "READY")).isZero();
            assertThat(now.sum("ember_scheduler_gpus_used", POOL) - before.sum("ember_scheduler_gpus_used", POOL))
                    .isEqualTo(2);
            assertThat(now.sum("ember_scheduler_gpus_free", POOL))
                    .isEqualTo(
                            now.sum("ember_scheduler_gpus_total", POOL) - now.sum("ember_scheduler_gpus_used", POOL));
        });

        TestClock.CLOCK.advance(Duration.ofMinutes(10));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusText now = scrape();
            assertThat(now.sum("ember_scheduler_replicas", "deployment", name, "state", "READY")).isEqualTo(1);
            assertThat(now.sum("ember_scheduler_replicas", "deployment", name, "state", "DOWNLOADING_MODEL"))
                    .isZero();
        });

        PrometheusText after = scrape();
        assertThat(after.sum("ember_scheduler_tick_seconds_count", "outcome", "applied"))
                .isGreaterThan(before.sum("ember_scheduler_tick_seconds_count", "outcome", "applied"));
        assertThat(after.find("ember_scheduler_tick_seconds_bucket", "outcome", "applied")).isNotEmpty();
        // The scheduler has an outbox: its backlog is on metrics too.
        assertThat(after.has("ember_outbox_events_waiting")).isTrue();
        assertThat(after.has("ember_outbox_oldest_event_age_seconds")).isTrue();
    }
}
