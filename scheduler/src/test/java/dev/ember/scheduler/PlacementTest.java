package dev.ember.scheduler;

import static dev.ember.scheduler.ReplicaLifecycleTest.kafka;
import static dev.ember.scheduler.ReplicaLifecycleTest.latestStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.testsupport.EmberInfraResource;

/** Placement rules through Kafka and PostgreSQL: exhaustion and recovery, mega-region failover, quotas. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class PlacementTest {

    static DeploymentSpec spec(String account, String id, String type, int gpus, int replicas, String placement) {
        return new DeploymentSpec("accounts/" + account + "/deployments/" + id, UUID.randomUUID().toString(), 1, id,
                ReplicaLifecycleTest.LLAMA_8B.name(), ReplicaLifecycleTest.LLAMA_8B, type, gpus, "FP8", replicas,
                replicas, placement, Instant.now(), null);
    }

    static void create(DeploymentSpec spec) {
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
    }

    static DeploymentStatusReported awaitStatus(String name,
            java.util.function.Predicate<DeploymentStatusReported> ok) {
        DeploymentStatusReported[] last = new DeploymentStatusReported[1];
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(30));
            last[0] = latestStatus(name);
            assertThat(last[0]).isNotNull().matches(ok, "status " + last[0]);
        });
        return last[0];
    }

    static Set<String> readyRegions(String deployment) {
        return kafka().all(EventTypes.REPLICA_UPDATED, Duration.ofSeconds(2)).stream()
                .filter(e -> e.data().deployment().equals(deployment) && e.data().state().equals("READY"))
                .map(e -> e.data().region()).collect(Collectors.toSet());
    }

    @Test
    void whenAMegaRegionIsFullTheReplicaWaitsWithAReasonAndIsPlacedOnceCapacityFreesUp() {
        // EUROPE has H200s only in EU_ICELAND_1: two nodes of 8.
        DeploymentSpec filler = spec("acme", "h200-filler", "NVIDIA_H200_141GB", 8, 2, "EUROPE");
        create(filler);
        awaitStatus(filler.name(), s -> s.replicaStats().readyReplicaCount() == 2);

        DeploymentSpec waiting = spec("acme", "h200-waiting", "NVIDIA_H200_141GB", 8, 1, "EUROPE");
        create(waiting);
        DeploymentStatusReported pending = awaitStatus(waiting.name(),
                s -> s.replicaStats().pendingSchedulingReplicaCount() == 1);
        assertThat(pending.message()).isEqualTo("no NVIDIA_H200_141GB capacity for 8 GPU(s) in EUROPE");
        assertThat(pending.failed()).isFalse();

        kafka().publish(EventTypes.DEPLOYMENT_DELETED, filler.name(),
                new DeploymentDeleted(filler.name(), filler.uid(), Instant.now(), Instant.now(), "done"));
        DeploymentStatusReported placed = awaitStatus(waiting.name(), s -> s.replicaStats().readyReplicaCount() == 1);
        assertThat(placed.message()).isEmpty();
        assertThat(placed.region()).isEqualTo("EU_ICELAND_1");
    }

    @Test
    void aMegaRegionDeploymentSpreadsToAnotherRegionWhenOneIsFull() {
        // EUROPE H100s: four nodes in EU_FRANKFURT_1, two in EU_ICELAND_1; six whole-node replicas need both.
        DeploymentSpec spread = spec("acme", "h100-spread", "NVIDIA_H100_80GB", 8, 6, "EUROPE");
        create(spread);
        awaitStatus(spread.name(), s -> s.replicaStats().readyReplicaCount() == 6);
        assertThat(readyRegions(spread.name())).containsExactlyInAnyOrder("EU_FRANKFURT_1", "EU_ICELAND_1");
    }

    @Test
    void anAccountsReplicasStayWithinItsQuotaUntilTheQuotaIsRaised() {
        String account = "quota-co";
        publishQuota(account, 2);
        DeploymentSpec three = spec(account, "three", "NVIDIA_H100_80GB", 1, 3, "US_TEXAS_1");
        create(three);

        DeploymentStatusReported capped = awaitStatus(three.name(),
                s -> s.replicaStats().readyReplicaCount() == 2
                        && s.replicaStats().pendingSchedulingReplicaCount() == 1);
        assertThat(capped.message())
                .isEqualTo("GPU quota of account quota-co reached: h100-us-texas-1 (2 of 2 GPUs in use)");

        // A serverless rate limit of the same account is the data plane's business: skipped here, and the GPU quota
        // published after it still applies.
        String serverless = "accounts/" + account + "/quotas/serverless-requests-per-minute";
        kafka().publish(EventTypes.QUOTA_UPDATED, serverless,
                new QuotaUpdated(serverless, account, null, null, 10, Instant.now()));
        publishQuota(account, 3);
        awaitStatus(three.name(), s -> s.replicaStats().readyReplicaCount() == 3 && s.message().isEmpty());
    }

    static void publishQuota(String account, long gpus) {
        String name = "accounts/" + account + "/quotas/h100-us-texas-1";
        kafka().publish(EventTypes.QUOTA_UPDATED, name,
                new QuotaUpdated(name, account, "NVIDIA_H100_80GB", "US_TEXAS_1", gpus, Instant.now()));
    }
}
