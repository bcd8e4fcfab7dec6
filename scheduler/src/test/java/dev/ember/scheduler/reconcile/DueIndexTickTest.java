package dev.ember.scheduler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.LoadReported;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.scheduler.TestClock;
import dev.ember.scheduler.metrics.SchedulerMetrics;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * The steady-state tick decides only the deployments that are dirty or have a time rule due (ADR 21), on real Kafka
 * and PostgreSQL: a tick with nothing new decides only the rolling resync's slice (ADR 32), a load report makes its
 * deployment (and only it) decided, a window that ends with no event is still acted on by the first tick after it, and
 * a replica waiting for GPUs is placed as soon as another deployment gives them back. The test runs every tick itself and moves the clock.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@TestProfile(IncrementalReconcileTest.OwnTicks.class)
class DueIndexTickTest {

    @Inject
    Reconciler reconciler;

    @Inject
    MeterRegistry registry;

    private final KafkaEvents kafka = IncrementalReconcileTest.testKafka();

    @BeforeEach
    void onlyTheTestTicks() {
        IncrementalReconcileTest.takeOverTicks(reconciler);
    }

    @Test
    void aTickWithNothingNewDecidesNoDeploymentAndALoadReportDecidesOnlyItsDeployment() {
        DeploymentSpec spec = spec("due", "quiet", 1, 2, "US");
        create(spec);
        bringUp();
        settle();

        // Nothing new: the tick decides only the deployment the rolling resync reads again (ADR 32: its slice for
        // 100 ms of a 24-hour interval is one deployment), and at the same instant not even that.
        TestClock.CLOCK.advance(Duration.ofMillis(100));
        double before = decided();
        assertThat(tick()).isEqualTo("incremental");
        assertThat(decided() - before).isEqualTo(1);
        assertThat(tick()).isEqualTo("incremental");
        assertThat(decided() - before).isEqualTo(1);

        // A load report asking for no more replicas than it has: its deployment is decided, no other.
        Instant now = TestClock.CLOCK.instant();
        kafka.publish(EventTypes.LOAD_REPORTED, spec.name(), new LoadReported(spec.name(), "dp-1", 1, 1, 100, 50, now,
                now));
        double beforeReport = decided();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(tick()).isEqualTo("incremental");
            assertThat(reconciler.fleet().loads).containsKey(new DeploymentLoadEntity.Key(spec.name(), "dp-1"));
        });
        assertThat(decided() - beforeReport).isEqualTo(1);
    }

    @Test
    void aScaleToZeroWindowThatEndsWithNoEventIsActedOnByTheFirstTickAfterIt() {
        DeploymentSpec spec = spec("due", "sleepy", 0, 2, "US");
        create(spec);
        bringUp();
        settle();
        Instant lastRequest = reconciler.fleet().deployments.get(spec.name()).lastRequestTime;

        // Just before the window ends nothing happens; the first tick after it scales to zero, with no event.
        Instant windowEnds = lastRequest.plus(AutoscalingPolicy.DEFAULT_SCALE_TO_ZERO_WINDOW);
        TestClock.CLOCK.advance(Duration.between(TestClock.CLOCK.instant(), windowEnds.minusSeconds(1)));
        assertThat(tick()).isEqualTo("incremental");
        assertThat(reconciler.fleet().deployments.get(spec.name()).desiredReplicas).isEqualTo(1);

        TestClock.CLOCK.advance(Duration.ofSeconds(2));
        assertThat(tick()).isEqualTo("incremental");
        assertThat(reconciler.fleet().deployments.get(spec.name()).desiredReplicas).isZero();
        assertThat(states(spec.name())).containsExactly("DRAINING");

        // The drain ends on the clock too.
        TestClock.CLOCK.advance(Duration.ofSeconds(6));
        assertThat(tick()).isEqualTo("incremental");
        assertThat(states(spec.name())).isEmpty();
    }

    @Test
    void aReplicaWaitingForGpusIsPlacedOnTheTickAfterAnotherDeploymentGaveThemBack() {
        String account = "due-quota";
        String quota = "accounts/" + account + "/quotas/h100-us-texas-1";
        kafka.publish(EventTypes.QUOTA_UPDATED, quota, new QuotaUpdated(quota, account, "NVIDIA_H100_80GB",
                "US_TEXAS_1", 1, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            tick();
            assertThat(reconciler.fleet().quotas).containsKey(new QuotaEntity.Key(account, "NVIDIA_H100_80GB",
                    "US_TEXAS_1"));
        });
        DeploymentSpec first = spec(account, "first", 1, 1, "US_TEXAS_1");
        create(first);
        bringUp();
        DeploymentSpec second = spec(account, "second", 1, 1, "US_TEXAS_1");
        create(second);
        settle();
        assertThat(states(first.name())).containsExactly("READY");
        assertThat(states(second.name())).containsExactly("PENDING_SCHEDULING");

        kafka.publish(EventTypes.DEPLOYMENT_DELETED, first.name(), new DeploymentDeleted(first.name(), first.uid(),
                Instant.now(), Instant.now().plus(Duration.ofDays(30)), "test"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            tick();
            assertThat(states(first.name())).containsExactly("DRAINING");
        });
        // The drain ends on the clock: the GPU is given back, and the waiting replica takes it on the next tick.
        TestClock.CLOCK.advance(Duration.ofSeconds(6));
        assertThat(tick()).isEqualTo("incremental");
        assertThat(states(first.name())).isEmpty();
        assertThat(tick()).isEqualTo("incremental");
        assertThat(states(second.name())).containsExactly("DOWNLOADING_MODEL");
    }

    static DeploymentSpec spec(String account, String id, int min, int max, String placement) {
        return new DeploymentSpec("accounts/" + account + "/deployments/" + id, UUID.randomUUID().toString(), 1, id,
                IncrementalReconcileTest.LLAMA_8B.name(), IncrementalReconcileTest.LLAMA_8B, "NVIDIA_H100_80GB", 1,
                "FP8", min, max, placement, Instant.now(), null);
    }

    private void create(DeploymentSpec spec) {
        kafka.publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            tick();
            assertThat(reconciler.fleet().deployments).containsKey(spec.name());
        });
    }

    /** Replicas through their lifecycle on the clock alone. */
    private void bringUp() {
        for (int i = 0; i < 6; i++) {
            TestClock.CLOCK.advance(Duration.ofSeconds(3));
            assertThat(tick()).isEqualTo("incremental");
        }
    }

    /** Ticks until one decides nothing: what the last changes enabled is done. */
    private void settle() {
        double before;
        int ticks = 0;
        do {
            before = decided();
            tick();
            assertThat(++ticks).as("ticks until nothing is left to decide").isLessThan(10);
        } while (decided() > before);
    }

    private double decided() {
        return registry.get(SchedulerMetrics.DECIDED).counter().count();
    }

    private List<String> states(String deployment) {
        return reconciler.fleet().live.values().stream().filter(r -> r.deploymentName.equals(deployment))
                .map(r -> r.state).toList();
    }

    private String tick() {
        return IncrementalReconcileTest.tick(reconciler);
    }
}
