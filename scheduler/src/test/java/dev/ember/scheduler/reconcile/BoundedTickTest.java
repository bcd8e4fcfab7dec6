package dev.ember.scheduler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.scheduler.TestClock;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.SchedulerRepositories;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * A tick changes at most {@code scheduler.max-changes-per-tick} deployments (ADR 28), on real Kafka and PostgreSQL:
 * a burst larger than that is decided over the ticks that follow, which the scheduler runs at once, those a tick left
 * first, and in the end every deployment has exactly the replicas it asked for, in memory and in the database.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@TestProfile(BoundedTickTest.ThreeChangesPerTick.class)
class BoundedTickTest {

    /** The test runs every tick itself, and a tick changes at most three deployments. */
    public static class ThreeChangesPerTick extends IncrementalReconcileTest.OwnTicks {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("scheduler.max-changes-per-tick", "3");
            return overrides;
        }
    }

    @Inject
    Reconciler reconciler;

    @Inject
    SchedulerRepositories.Deployments deployments;

    @Inject
    SchedulerRepositories.Replicas replicas;

    private final KafkaEvents kafka = IncrementalReconcileTest.testKafka();

    @BeforeEach
    void onlyTheTestTicks() {
        IncrementalReconcileTest.takeOverTicks(reconciler);
    }

    @Test
    void eightDeploymentsCreatedTogetherAreDecidedThreeATickThoseLeftFirstAndNoneIsLost() throws Throwable {
        List<DeploymentSpec> burst = IntStream.rangeClosed(1, 8)
                .mapToObj(i -> DueIndexTickTest.spec("burst", "d-" + i, 1, 1, "US")).toList();
        burst.forEach(spec -> kafka.publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec)));
        // All eight rows are written before a tick reads them, so one tick finds all eight new.
        await().atMost(Duration.ofSeconds(30)).until(() -> inDatabase(burst).size() == 8);

        assertThat(tick()).isEqualTo("incremental");
        assertThat(withReplicas(burst)).containsExactly("d-1", "d-2", "d-3");
        assertThat(reconciler.leftWork()).as("the tick left deployments for the next").isTrue();

        // The next tick decides first what the last one left, and stops again at three changes.
        assertThat(tick()).isEqualTo("incremental");
        assertThat(withReplicas(burst)).containsExactly("d-1", "d-2", "d-3", "d-4", "d-5", "d-6");
        assertThat(reconciler.leftWork()).isTrue();

        assertThat(tick()).isEqualTo("incremental");
        assertThat(withReplicas(burst)).containsExactly("d-1", "d-2", "d-3", "d-4", "d-5", "d-6", "d-7", "d-8");

        // The replicas step through their lifecycle on the clock, a few changes a tick, until nothing is left.
        for (int i = 0; i < 40 && !allReady(burst); i++) {
            TestClock.CLOCK.advance(Duration.ofSeconds(3));
            do {
                assertThat(tick()).isEqualTo("incremental");
            } while (reconciler.leftWork());
        }
        assertThat(allReady(burst)).as("every deployment of the burst has its replica READY").isTrue();
        for (DeploymentSpec spec : burst) {
            assertThat(reconciler.fleet().deployments.get(spec.name()).desiredReplicas).isEqualTo(1);
            assertThat(reconciler.fleet().replicasOf(spec.name())).hasSize(1);
        }
        // The database holds what the ticks decided: one live replica each, none lost, none doubled.
        List<ReplicaEntity> stored = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> replicas
                .listLive()));
        for (DeploymentSpec spec : burst) {
            assertThat(stored).filteredOn(r -> r.deploymentName.equals(spec.name()))
                    .extracting(r -> r.state).containsExactly("READY");
        }
        assertThat(inDatabase(burst)).extracting(d -> d.desiredReplicas).containsOnly(1);
    }

    /** The ids of the burst's deployments that have a live replica in the scheduler's copy, in name order. */
    private List<String> withReplicas(List<DeploymentSpec> burst) {
        return burst.stream().filter(spec -> !reconciler.fleet().replicasOf(spec.name()).isEmpty())
                .map(DeploymentSpec::displayName).toList();
    }

    private boolean allReady(List<DeploymentSpec> burst) {
        return burst.stream().allMatch(spec -> reconciler.fleet().replicasOf(spec.name()).stream()
                .allMatch(r -> "READY".equals(r.state)) && !reconciler.fleet().replicasOf(spec.name()).isEmpty());
    }

    private List<DeploymentEntity> inDatabase(List<DeploymentSpec> burst) {
        List<String> names = burst.stream().map(DeploymentSpec::name).toList();
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> deployments.listByName()))
                    .stream().filter(d -> names.contains(d.name)).toList();
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private String tick() {
        return IncrementalReconcileTest.tick(reconciler);
    }
}
