package dev.ember.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.CapacityReported;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ReplicaLifecycleTest {

    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    static DeploymentSpec spec(String id, String type, int gpus, String placement) {
        return new DeploymentSpec("accounts/acme/deployments/" + id, UUID.randomUUID().toString(), 1, id,
                LLAMA_8B.name(), LLAMA_8B, type, gpus, "FP8", 0, 1, placement, Instant.now(), null);
    }

    static DeploymentStatusReported latestStatus(String name) {
        List<Event<DeploymentStatusReported>> all = kafka().all(EventTypes.DEPLOYMENT_STATUS_REPORTED,
                Duration.ofSeconds(2));
        return all.stream().filter(e -> e.subject().equals(name)).map(Event::data)
                .reduce((a, b) -> b.sequence() > a.sequence() ? b : a).orElse(null);
    }

    @Test
    void aNewDeploymentGetsOneReplicaThatWalksToReadyAsTheClockMoves() {
        DeploymentSpec spec = spec("walks", "NVIDIA_H100_80GB", 1, "GLOBAL");
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            DeploymentStatusReported status = latestStatus(spec.name());
            assertThat(status).isNotNull();
            assertThat(status.replicaStats().downloadingModelReplicaCount()).isEqualTo(1);
            assertThat(status.desiredReplicaCount()).isEqualTo(1);
        });

        // 8 GB at 2 GB/s, then 2 s server start plus 1.6 s onto the GPU: ten minutes is plenty.
        TestClock.CLOCK.advance(Duration.ofMinutes(10));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            DeploymentStatusReported status = latestStatus(spec.name());
            assertThat(status.replicaStats().readyReplicaCount()).isEqualTo(1);
            assertThat(status.replicaCount()).isEqualTo(1);
            assertThat(status.uid()).isEqualTo(spec.uid());
        });
        List<String> states = kafka().all(EventTypes.REPLICA_UPDATED, Duration.ofSeconds(2)).stream()
                .filter(e -> e.data().deployment().equals(spec.name()))
                .map(e -> e.data().state()).toList();
        assertThat(states).containsSubsequence("PENDING_SCHEDULING", "DOWNLOADING_MODEL", "INITIALIZING", "READY");
        ReplicaUpdated ready = kafka().first(EventTypes.REPLICA_UPDATED,
                e -> e.data().deployment().equals(spec.name()) && e.data().state().equals("READY"),
                Duration.ofSeconds(5)).orElseThrow().data();
        assertThat(ready.node()).startsWith(ready.region().toLowerCase().replace('_', '-'));
        assertThat(ready.acceleratorType()).isEqualTo("NVIDIA_H100_80GB");
    }

    @Test
    void aRedeliveredCreateEventDoesNotDoubleTheReplicas() {
        DeploymentSpec spec = spec("once", "NVIDIA_H100_80GB", 1, "US_TEXAS_1");
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            DeploymentStatusReported status = latestStatus(spec.name());
            assertThat(status).isNotNull();
            assertThat(status.replicaCount()).isEqualTo(1);
            assertThat(status.region()).isEqualTo("US_TEXAS_1");
        });
        long replicaNames = kafka().all(EventTypes.REPLICA_UPDATED, Duration.ofSeconds(2)).stream()
                .filter(e -> e.data().deployment().equals(spec.name())).map(e -> e.data().name()).distinct().count();
        assertThat(replicaNames).isEqualTo(1);
    }

    @Test
    void aReplicaThatCanNeverFitFailsTheDeploymentWithTheReason() {
        DeploymentSpec spec = spec("no-room", "NVIDIA_B200_180GB", 8, "EUROPE");
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            DeploymentStatusReported status = latestStatus(spec.name());
            assertThat(status).isNotNull();
            assertThat(status.replicaStats().pendingSchedulingReplicaCount()).isEqualTo(1);
            assertThat(status.failed()).isTrue();
            assertThat(status.message()).isEqualTo(
                    "cannot be placed: no region in EU_FRANKFURT_1, EU_ICELAND_1 has NVIDIA_B200_180GB nodes");
        });
    }

    @Test
    void capacityShowsUsedAndFreeGpusPerRegionAndTypeAndIsPublished() {
        given().get("/admin/capacity").then().statusCode(200)
                .body("capacity.find { it.region == 'AP_TOKYO_1' && it.acceleratorType == 'NVIDIA_A100_80GB' }"
                        + ".totalGpus", org.hamcrest.Matchers.equalTo(16));

        // Other test profiles share the broker and publish other inventories: find this one's report.
        CapacityReported.Pool tokyo = new CapacityReported.Pool("AP_TOKYO_1", "NVIDIA_A100_80GB", 16, 0, 16);
        CapacityReported published = kafka().first(EventTypes.CAPACITY_REPORTED,
                e -> e.subject().equals(CapacityReported.KEY) && e.data().pools().contains(tokyo),
                Duration.ofSeconds(30)).orElseThrow().data();
        assertThat(published.pools()).extracting(CapacityReported.Pool::region).contains("US_IOWA_1", "EU_ICELAND_1");
        assertThat(published.pools()).allSatisfy(p -> assertThat(p.usedGpus() + p.freeGpus())
                .isEqualTo(p.totalGpus()));
    }
}
