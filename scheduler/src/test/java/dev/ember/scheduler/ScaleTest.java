package dev.ember.scheduler;

import static dev.ember.scheduler.ReplicaLifecycleTest.kafka;
import static dev.ember.scheduler.ReplicaLifecycleTest.latestStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.WakeUpRequested;
import dev.ember.testsupport.EmberInfraResource;

/**
 * {@code :scale} requests through Kafka and PostgreSQL: desired replicas change at once, each request applies once,
 * and the autoscaler takes over afterwards by its rules.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ScaleTest {

    static DeploymentSpec spec(String id, int min, int max) {
        return new DeploymentSpec("accounts/acme/deployments/" + id, UUID.randomUUID().toString(), 1, id,
                ReplicaLifecycleTest.LLAMA_8B.name(), ReplicaLifecycleTest.LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8",
                min, max, "US", Instant.now(), null);
    }

    static void scale(DeploymentSpec spec, int replicas, long sequence) {
        kafka().publish(EventTypes.DEPLOYMENT_SCALE_REQUESTED, spec.name(),
                new DeploymentScaleRequested(spec, replicas, sequence, TestClock.CLOCK.instant()));
    }

    /** Waits for a status matching {@code ok}, moving the clock a few seconds per look (replicas start in seconds). */
    static DeploymentStatusReported awaitStatus(String name, Predicate<DeploymentStatusReported> ok) {
        DeploymentStatusReported[] last = new DeploymentStatusReported[1];
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(5));
            last[0] = latestStatus(name);
            assertThat(last[0]).isNotNull().matches(ok, "status " + last[0]);
        });
        return last[0];
    }

    @Test
    void aScaleRequestSetsDesiredReplicasAtOnceAndAppliesOnlyOnce() {
        DeploymentSpec spec = spec("scaled-up", 0, 4);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitStatus(spec.name(), s -> s.replicaStats().readyReplicaCount() == 1);

        scale(spec, 3, 1);
        DeploymentStatusReported three = awaitStatus(spec.name(), s -> s.desiredReplicaCount() == 3
                && s.replicaStats().readyReplicaCount() == 3);
        assertThat(three.replicaCount()).isEqualTo(3);

        scale(spec, 2, 2);
        awaitStatus(spec.name(), s -> s.desiredReplicaCount() == 2 && s.replicaCount() == 2);

        // The first request delivered again, and one for an older deployment of the same name: nothing changes.
        scale(spec, 3, 1);
        DeploymentSpec stranger = new DeploymentSpec(spec.name(), "another-uid", 1, spec.displayName(),
                spec.baseModel(), spec.model(), spec.acceleratorType(), 1, "FP8", 0, 4, "US", Instant.now(), null);
        scale(stranger, 4, 9);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            DeploymentStatusReported s = latestStatus(spec.name());
            assertThat(s.desiredReplicaCount()).isEqualTo(2);
            assertThat(s.replicaCount()).isEqualTo(2);
        });

        // Without the load for two replicas, the autoscaler brings it down after its scale-down window.
        TestClock.CLOCK.advance(Duration.ofMinutes(11));
        DeploymentStatusReported after = awaitStatus(spec.name(), s -> s.desiredReplicaCount() == 1);
        assertThat(after.replicaCount()).isLessThanOrEqualTo(2);
    }

    @Test
    void aDeploymentScaledToZeroStaysThereUntilARequestArrives() {
        DeploymentSpec spec = spec("scaled-down", 0, 2);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitStatus(spec.name(), s -> s.replicaStats().readyReplicaCount() == 1);

        // Just used (it is new), so without the request the autoscaler would keep a replica for an hour.
        scale(spec, 0, 1);
        DeploymentStatusReported zero = awaitStatus(spec.name(), s -> s.desiredReplicaCount() == 0
                && s.replicaCount() == 0);
        assertThat(zero.message()).isEqualTo("scaled to 0 replica(s) by request");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(20));
            assertThat(latestStatus(spec.name()).desiredReplicaCount()).isZero();
        });

        TestClock.CLOCK.advance(Duration.ofSeconds(1));
        kafka().publish(EventTypes.WAKE_UP_REQUESTED, spec.name(), new WakeUpRequested(spec.name(), "test",
                Instant.now()));
        awaitStatus(spec.name(), s -> s.desiredReplicaCount() == 1 && s.replicaStats().readyReplicaCount() == 1);
    }

    @Test
    void newServingOptionsReplaceTheReplicas() {
        DeploymentSpec v1 = spec("new-draft", 1, 1);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, v1.name(), new DeploymentCreated(v1));
        awaitStatus(v1.name(), s -> s.replicaStats().readyReplicaCount() == 1);

        // Same hardware, now with n-gram speculation: the replica's server must start again with it.
        DeploymentSpec v2 = new DeploymentSpec(v1.name(), v1.uid(), 2, v1.displayName(), v1.baseModel(), v1.model(),
                v1.acceleratorType(), 1, "FP8", 1, 1, "US", v1.createTime(), null, null, 4, 3, false, 0);
        kafka().publish(EventTypes.DEPLOYMENT_UPDATED, v2.name(), new dev.ember.common.event.DeploymentUpdated(v2));
        awaitStatus(v1.name(), s -> s.observedGeneration() == 2 && s.outdatedReplicaCount() == 1);
        awaitStatus(v1.name(), s -> s.observedGeneration() == 2 && s.updatedReplicaCount() == 1
                && s.outdatedReplicaCount() == 0);
    }
}
