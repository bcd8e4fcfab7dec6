package dev.ember.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.LoadReported;
import dev.ember.common.event.WakeUpRequested;
import dev.ember.testsupport.EmberInfraResource;

/** The autoscaling rules end to end through Kafka and PostgreSQL, with time moved by the test clock. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class AutoscalingTest {

    static DeploymentSpec spec(String id, int min, int max) {
        return new DeploymentSpec("accounts/acme/deployments/" + id, UUID.randomUUID().toString(), 1, id,
                ReplicaLifecycleTest.LLAMA_8B.name(), ReplicaLifecycleTest.LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8",
                min, max, "US", Instant.now(), null);
    }

    static DeploymentStatusReported status(String name) {
        return ReplicaLifecycleTest.latestStatus(name);
    }

    static void awaitReady(String name, int replicas) {
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofMinutes(1));
            DeploymentStatusReported s = status(name);
            assertThat(s).isNotNull();
            assertThat(s.replicaStats().readyReplicaCount()).isEqualTo(replicas);
        });
    }

    @Test
    void idleForAnHourScalesToZeroAndARequestWakesItUp() {
        DeploymentSpec spec = spec("naps", 0, 2);
        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitReady(spec.name(), 1);

        TestClock.CLOCK.advance(Duration.ofMinutes(61));
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(10));
            DeploymentStatusReported s = status(spec.name());
            assertThat(s.desiredReplicaCount()).isZero();
            assertThat(s.replicaCount()).isZero();
            assertThat(s.message()).isEqualTo("no traffic for 3600s: scaled to zero");
        });
        List<String> states = ReplicaLifecycleTest.kafka().all(EventTypes.REPLICA_UPDATED, Duration.ofSeconds(2))
                .stream().filter(e -> e.data().deployment().equals(spec.name())).map(e -> e.data().state()).toList();
        assertThat(states).containsSubsequence("READY", "DRAINING", "TERMINATED");

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            ReplicaLifecycleTest.kafka().publish(EventTypes.WAKE_UP_REQUESTED, spec.name(),
                    new WakeUpRequested(spec.name(), "test", Instant.now()));
            assertThat(status(spec.name()).desiredReplicaCount()).isEqualTo(1);
        });
        awaitReady(spec.name(), 1);
    }

    @Test
    void minOneStaysUpThroughADayWithoutTraffic() {
        DeploymentSpec spec = spec("stays", 1, 1);
        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitReady(spec.name(), 1);
        TestClock.CLOCK.advance(Duration.ofDays(1));
        // Give the reconciler a few ticks at the new time, then check nothing moved.
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            DeploymentStatusReported s = status(spec.name());
            assertThat(s.desiredReplicaCount()).isEqualTo(1);
            assertThat(s.replicaStats().readyReplicaCount()).isEqualTo(1);
        });
    }

    @Test
    void sustainedLoadAboveTargetAddsReplicasAfterTheScaleUpWindow() {
        DeploymentSpec spec = spec("busy", 0, 2);
        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitReady(spec.name(), 1);

        // 60 concurrent requests: at 80% of 32 per replica that asks for 3, bounded by max 2.
        ReplicaLifecycleTest.kafka().publish(EventTypes.LOAD_REPORTED, spec.name(), new LoadReported(spec.name(),
                "dp-1", 12, 60, 6000, 3000, Instant.now(), Instant.now()));
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(31));
            assertThat(status(spec.name()).desiredReplicaCount()).isEqualTo(2);
        });
        awaitReady(spec.name(), 2);
    }

    @Test
    void sevenDaysWithoutTrafficAsksTheControlPlaneToDeleteOnce() {
        DeploymentSpec spec = spec("forgotten", 0, 1);
        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitReady(spec.name(), 1);

        TestClock.CLOCK.advance(Duration.ofDays(6));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                status(spec.name()).desiredReplicaCount()).isZero());
        assertThat(ReplicaLifecycleTest.kafka().first(EventTypes.DEPLOYMENT_DELETION_REQUESTED,
                e -> e.subject().equals(spec.name()), Duration.ofSeconds(2))).as("not yet after 6 days").isEmpty();

        TestClock.CLOCK.advance(Duration.ofDays(1));
        var request = ReplicaLifecycleTest.kafka().first(EventTypes.DEPLOYMENT_DELETION_REQUESTED,
                e -> e.subject().equals(spec.name()), Duration.ofSeconds(20));
        assertThat(request).isPresent();
        assertThat(request.get().data().uid()).isEqualTo(spec.uid());
        assertThat(request.get().data().reason()).isEqualTo("no traffic for 7 days with min replicas 0");

        TestClock.CLOCK.advance(Duration.ofDays(1));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                ReplicaLifecycleTest.kafka().all(EventTypes.DEPLOYMENT_DELETION_REQUESTED, Duration.ofSeconds(1))
                        .stream().filter(e -> e.subject().equals(spec.name())).count())
                .isEqualTo(1));
    }

    @Test
    void aDeletedDeploymentDrainsItsReplicasAndIsNeverScaledAgain() {
        DeploymentSpec spec = spec("goner", 1, 2);
        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitReady(spec.name(), 1);

        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_DELETED, spec.name(), new DeploymentDeleted(
                spec.name(), spec.uid(), Instant.now(), Instant.now(), "deleted by its owner"));
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(10));
            DeploymentStatusReported s = status(spec.name());
            assertThat(s.desiredReplicaCount()).isZero();
            assertThat(s.replicaCount()).isZero();
            assertThat(s.message()).isEqualTo("deleted: deleted by its owner");
        });
        ReplicaLifecycleTest.kafka().publish(EventTypes.WAKE_UP_REQUESTED, spec.name(),
                new WakeUpRequested(spec.name(), "test", Instant.now()));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                status(spec.name()).desiredReplicaCount()).isZero());

        ReplicaLifecycleTest.kafka().publish(EventTypes.DEPLOYMENT_UNDELETED, spec.name(),
                new DeploymentUndeleted(spec));
        awaitReady(spec.name(), 1);
    }
}
