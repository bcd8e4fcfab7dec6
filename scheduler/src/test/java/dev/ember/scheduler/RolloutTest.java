package dev.ember.scheduler;

import static dev.ember.scheduler.PlacementTest.awaitStatus;
import static dev.ember.scheduler.ReplicaLifecycleTest.kafka;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.DeploymentUpdated;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.event.ScalingSchedule;
import dev.ember.testsupport.EmberInfraResource;

/** Spec changes: new hardware replaces replicas one at a time without losing capacity; new bounds do not. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class RolloutTest {

    static DeploymentSpec spec(String id, long generation, String uid, int gpus, int min, int max,
            AutoscalingPolicy policy) {
        return new DeploymentSpec("accounts/acme/deployments/" + id, uid, generation, id,
                ReplicaLifecycleTest.LLAMA_8B.name(), ReplicaLifecycleTest.LLAMA_8B, "NVIDIA_A100_80GB", gpus, "FP8",
                min, max, "US_IOWA_1", Instant.now(), policy);
    }

    static List<ReplicaUpdated> replicaEvents(String deployment) {
        return kafka().all(EventTypes.REPLICA_UPDATED, Duration.ofSeconds(2)).stream().map(Event::data)
                .filter(r -> r.deployment().equals(deployment)).toList();
    }

    static List<DeploymentStatusReported> reports(String deployment) {
        return kafka().all(EventTypes.DEPLOYMENT_STATUS_REPORTED, Duration.ofSeconds(2)).stream().map(Event::data)
                .filter(s -> s.name().equals(deployment)).toList();
    }

    @Test
    void newHardwareReplacesReplicasOneByOneWithoutDroppingBelowTheDesiredCount() {
        String uid = UUID.randomUUID().toString();
        DeploymentSpec v1 = spec("rolling", 1, uid, 1, 2, 2, null);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, v1.name(), new DeploymentCreated(v1));
        awaitStatus(v1.name(), s -> s.replicaStats().readyReplicaCount() == 2);
        Set<String> before = replicaEvents(v1.name()).stream().map(ReplicaUpdated::name).collect(Collectors.toSet());

        DeploymentSpec v2 = spec("rolling", 2, uid, 2, 2, 2, null);
        kafka().publish(EventTypes.DEPLOYMENT_UPDATED, v2.name(), new DeploymentUpdated(v2));
        DeploymentStatusReported done = awaitStatus(v2.name(), s -> s.observedGeneration() == 2
                && s.updatedReplicaCount() == 2 && s.outdatedReplicaCount() == 0);
        assertThat(done.replicaStats().readyReplicaCount()).isEqualTo(2);

        // Every report of generation 2 until the end had at least two replicas ready, and never more than three
        // replicas at once (one above the desired count).
        List<DeploymentStatusReported> rollout = reports(v2.name()).stream()
                .filter(s -> s.observedGeneration() == 2).toList();
        assertThat(rollout).allSatisfy(s -> {
            assertThat(s.replicaStats().readyReplicaCount()).isGreaterThanOrEqualTo(2);
            assertThat(s.replicaCount()).isLessThanOrEqualTo(3 + 2);
        });
        assertThat(rollout).anySatisfy(s -> assertThat(s.outdatedReplicaCount()).isPositive());

        Map<String, ReplicaUpdated> latest = replicaEvents(v2.name()).stream()
                .collect(Collectors.toMap(ReplicaUpdated::name, r -> r, (a, b) -> b.sequence() > a.sequence() ? b : a));
        assertThat(before).allSatisfy(old -> assertThat(latest.get(old).state()).isIn("DRAINING", "TERMINATED"));
        List<ReplicaUpdated> serving = latest.values().stream().filter(r -> r.state().equals("READY")).toList();
        assertThat(serving).hasSize(2).allSatisfy(r -> assertThat(r.acceleratorCount()).isEqualTo(2));
        assertThat(serving).extracting(ReplicaUpdated::name).doesNotContainAnyElementsOf(before);
    }

    @Test
    void newBoundsAndASchedulePolicyApplyWithoutReplacingReplicas() {
        String uid = UUID.randomUUID().toString();
        DeploymentSpec v1 = spec("rebounded", 1, uid, 1, 1, 1, null);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, v1.name(), new DeploymentCreated(v1));
        awaitStatus(v1.name(), s -> s.replicaStats().readyReplicaCount() == 1);

        // A schedule open from the current minute for an hour, asking for three.
        Instant now = TestClock.CLOCK.instant();
        String cron = now.atZone(java.time.ZoneOffset.UTC).getMinute() + " "
                + now.atZone(java.time.ZoneOffset.UTC).getHour() + " * * *";
        AutoscalingPolicy policy = new AutoscalingPolicy(null, null, null, null,
                Map.of("peak", new ScalingSchedule(cron, "UTC", Duration.ofHours(1), 3, "peak", false)))
                .withDefaults();
        DeploymentSpec v2 = spec("rebounded", 2, uid, 1, 1, 4, policy);
        kafka().publish(EventTypes.DEPLOYMENT_UPDATED, v2.name(), new DeploymentUpdated(v2));

        DeploymentStatusReported raised = awaitStatus(v2.name(), s -> s.observedGeneration() == 2
                && s.replicaStats().readyReplicaCount() == 3);
        assertThat(raised.desiredReplicaCount()).isEqualTo(3);
        assertThat(raised.outdatedReplicaCount()).isZero();
        // The first replica still serves: the update replaced nothing.
        Set<String> names = replicaEvents(v2.name()).stream().map(ReplicaUpdated::name).collect(Collectors.toSet());
        assertThat(names).hasSize(3);
    }
}
