package dev.ember.scheduler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.LoadReported;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.scheduler.TestClock;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.SchedulerRepositories;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * The reconciler's in-memory copy of the fleet (ADR 14) against the database, on real Kafka and PostgreSQL: after
 * events and clock moves handled by incremental ticks, the copy equals what a full load of the tables reads; a tick
 * whose write fails drops the copy and the next one loads the fleet again and converges. The test runs every tick
 * itself (the timer and event triggers are stopped), so it sees which kind of tick ran.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@TestProfile(IncrementalReconcileTest.OwnTicks.class)
class IncrementalReconcileTest {

    /** No timer ticks; the rolling resync reads every row again when the test moves the clock a day. */
    public static class OwnTicks implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.reconcile-interval", "PT1H", "scheduler.full-resync-interval", "PT24H");
        }
    }

    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");

    @Inject
    Reconciler reconciler;

    @Inject
    SchedulerRepositories.Deployments deployments;

    @Inject
    SchedulerRepositories.Replicas replicas;

    @Inject
    SchedulerRepositories.Nodes nodes;

    @Inject
    SchedulerRepositories.Loads loads;

    @Inject
    SchedulerRepositories.Quotas quotas;

    private final KafkaEvents kafka = testKafka();

    @BeforeEach
    void onlyTheTestTicks() {
        takeOverTicks(reconciler);
    }

    /** The test's producer and consumer on the scheduler's Kafka broker. */
    static KafkaEvents testKafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    /** Stops the reconciler's own ticks (the test runs each tick itself) and runs one. */
    static void takeOverTicks(Reconciler reconciler) {
        reconciler.stop(null);
        tick(reconciler);
    }

    @Test
    void afterEventsAndClockMovesTheCopyInMemoryEqualsAFullLoad() {
        DeploymentSpec steady = spec("inc-steady", 1, 3, "US");
        DeploymentSpec global = spec("inc-global", 0, 2, "GLOBAL");
        DeploymentSpec doomed = spec("inc-doomed", 1, 1, "EUROPE");
        for (DeploymentSpec spec : List.of(steady, global, doomed)) {
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        }
        awaitStored(steady.name(), global.name(), doomed.name());
        assertThat(tick()).isEqualTo("incremental");
        assertCopyEqualsDatabase();

        // Replicas go through their lifecycle on the clock alone: no handler writes, only the tick.
        for (int i = 0; i < 6; i++) {
            TestClock.CLOCK.advance(Duration.ofSeconds(3));
            assertThat(tick()).isEqualTo("incremental");
        }
        assertThat(liveStates(steady.name())).containsExactly("READY");
        assertCopyEqualsDatabase();

        // Load on one, a :scale request on another, a deletion, a quota: each handler's rows are read again.
        Instant now = TestClock.CLOCK.instant();
        kafka.publish(EventTypes.LOAD_REPORTED, steady.name(), new LoadReported(steady.name(), "dp-1", 12, 60, 6000,
                3000, now, now));
        kafka.publish(EventTypes.DEPLOYMENT_SCALE_REQUESTED, global.name(), new DeploymentScaleRequested(global, 2, 1,
                now));
        kafka.publish(EventTypes.DEPLOYMENT_DELETED, doomed.name(), new DeploymentDeleted(doomed.name(), doomed.uid(),
                now, now.plus(Duration.ofDays(30)), "test"));
        String quota = "accounts/inc/quotas/h100-us-iowa-1";
        kafka.publish(EventTypes.QUOTA_UPDATED, quota, new QuotaUpdated(quota, "inc", "NVIDIA_H100_80GB",
                "US_IOWA_1", 64, now));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(tick()).isEqualTo("incremental");
            Fleet fleet = reconciler.fleet();
            assertThat(fleet.loads).containsKey(new DeploymentLoadEntity.Key(
                    steady.name(), "dp-1"));
            assertThat(fleet.deployments.get(global.name()).desiredReplicas).isEqualTo(2);
            assertThat(fleet.deployments.get(doomed.name()).deleted).isTrue();
            assertThat(fleet.quotas).containsKey(new QuotaEntity.Key("inc",
                    "NVIDIA_H100_80GB", "US_IOWA_1"));
        });
        assertCopyEqualsDatabase();

        // Past the scale-up window with 60 concurrent requests, and past the doomed deployment's drain.
        for (int i = 0; i < 8; i++) {
            TestClock.CLOCK.advance(Duration.ofSeconds(5));
            assertThat(tick()).isEqualTo("incremental");
        }
        DeploymentEntity scaledUp = reconciler.fleet().deployments.get(steady.name());
        assertThat(scaledUp.desiredReplicas).isEqualTo(3);
        assertThat(liveStates(steady.name())).hasSize(3);
        assertThat(liveStates(global.name())).containsOnly("READY").hasSize(2);
        assertThat(liveStates(doomed.name())).isEmpty();
        assertCopyEqualsDatabase();

        // A day later (the resync interval) the rolling resync has read every row again, and found what the copy held.
        Map<String, String> before = memory();
        TestClock.CLOCK.advance(Duration.ofHours(24));
        assertThat(tick()).isEqualTo("incremental");
        assertCopyEqualsDatabase();
        assertThat(memory().keySet()).isEqualTo(before.keySet());
    }

    @Test
    void aWriteNoChangeNumberCoversIsReadAgainWithinTheResyncInterval() {
        DeploymentSpec spec = spec("inc-by-hand", 1, 1, "US");
        kafka.publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitStored(spec.name());
        for (int i = 0; i < 6; i++) {
            TestClock.CLOCK.advance(Duration.ofSeconds(3));
            assertThat(tick()).isEqualTo("incremental");
        }
        assertThat(liveStates(spec.name())).containsExactly("READY");
        // A replica changed by hand: replicas carry no change number, so no tick at this instant reads it again.
        sql("update scheduler.replica set message = 'changed by hand' where deployment_name = '" + spec.name()
                + "' and state = 'READY'");
        assertThat(tick()).isEqualTo("incremental");
        assertThat(messages(spec.name())).doesNotContain("changed by hand");

        // Each tick reads again a slice sized by the clock time since the last: four quarters of the interval (24 h
        // here) read every row, without a full load.
        for (int i = 0; i < 4; i++) {
            TestClock.CLOCK.advance(Duration.ofHours(6));
            assertThat(tick()).isEqualTo("incremental");
        }
        assertThat(messages(spec.name())).containsExactly("changed by hand");
        assertCopyEqualsDatabase();
    }

    @Test
    void aTickWhoseWriteFailsDropsTheCopyAndTheNextOneConverges() {
        DeploymentSpec poisoned = spec("inc-poisoned", 2, 2, "US");
        DeploymentSpec bystander = spec("inc-bystander", 1, 1, "US");
        // Replica inserts of one deployment fail in the database: the whole tick rolls back.
        sql("create or replace function scheduler.refuse_replica() returns trigger as $$ begin "
                + "raise exception 'replica refused for the test'; end $$ language plpgsql",
                "create trigger refuse_replica before insert on scheduler.replica for each row "
                        + "when (new.deployment_name = '" + poisoned.name() + "') "
                        + "execute function scheduler.refuse_replica()");
        try {
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, bystander.name(), new DeploymentCreated(bystander));
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, poisoned.name(), new DeploymentCreated(poisoned));
            awaitStored(poisoned.name(), bystander.name());
            assertThatThrownBy(this::tick).hasStackTraceContaining("replica refused for the test");
            assertThat(reconciler.fleet()).isNull();
            // Nothing of the failed tick was kept: no replica of either deployment exists yet.
            assertThat(database().keySet()).noneMatch(key -> key.startsWith("replica " + bystander.name())
                    || key.startsWith("replica " + poisoned.name()));
        } finally {
            sql("drop trigger refuse_replica on scheduler.replica", "drop function scheduler.refuse_replica()");
        }

        assertThat(tick()).isEqualTo("full");
        assertCopyEqualsDatabase();
        for (int i = 0; i < 6; i++) {
            TestClock.CLOCK.advance(Duration.ofSeconds(3));
            assertThat(tick()).isEqualTo("incremental");
        }
        // Exactly the desired replicas: none lost, none doubled by the retried tick.
        assertThat(liveStates(poisoned.name())).containsExactly("READY", "READY");
        assertThat(liveStates(bystander.name())).containsExactly("READY");
        assertCopyEqualsDatabase();
    }

    @Test
    void aTickByAnotherWriterMakesTheNextTickLoadEverything() {
        DeploymentSpec spec = spec("inc-elsewhere", 1, 1, "US");
        kafka.publish(EventTypes.DEPLOYMENT_CREATED, spec.name(), new DeploymentCreated(spec));
        awaitStored(spec.name());
        assertThat(tick()).isEqualTo("incremental");
        // Another scheduler instance's tick: it counts itself and changes a replica this copy holds.
        sql("update scheduler.replica set message = 'changed elsewhere' where deployment_name = '" + spec.name()
                + "'", "update scheduler.reconciler_epoch set ticks = ticks + 1");
        assertThat(tick()).isEqualTo("full");
        assertThat(reconciler.fleet().live.values()).filteredOn(r -> r.deploymentName.equals(spec.name()))
                .extracting(r -> r.message).containsOnly("changed elsewhere");
        assertCopyEqualsDatabase();
    }

    @Test
    void aNodeChangedByHandMakesTheRollingResyncLoadEverythingAgain() {
        assertThat(tick()).isEqualTo("incremental");
        NodeEntity node = reconciler.fleet().nodes.get(0);
        int gpus = node.gpus;
        // The inventory changes only at a start; a node changed otherwise is found within the resync interval.
        sql("update scheduler.node set gpus = " + (gpus / 2) + " where node_id = '" + node.nodeId + "'");
        try {
            assertThat(ticksUntilAFullLoad()).isTrue();
            assertThat(reconciler.fleet().nodes).filteredOn(n -> n.nodeId.equals(node.nodeId))
                    .extracting(n -> n.gpus).containsExactly(gpus / 2);
            assertCopyEqualsDatabase();
        } finally {
            sql("update scheduler.node set gpus = " + gpus + " where node_id = '" + node.nodeId + "'");
        }
        assertThat(ticksUntilAFullLoad()).isTrue();
        assertCopyEqualsDatabase();
    }

    /** Ticks a quarter of the resync interval apart, at most a whole interval and one tick: whether one loaded all. */
    private boolean ticksUntilAFullLoad() {
        for (int i = 0; i < 5; i++) {
            TestClock.CLOCK.advance(Duration.ofHours(6));
            if (tick().equals("full")) {
                return true;
            }
        }
        return false;
    }

    static DeploymentSpec spec(String id, int min, int max, String placement) {
        return new DeploymentSpec("accounts/inc/deployments/" + id, UUID.randomUUID().toString(), 1, id,
                LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", min, max, placement, Instant.now(), null);
    }

    private String tick() {
        return tick(reconciler);
    }

    /** One tick run by the test; a tick that was skipped (one was still running) is run again. */
    static String tick(Reconciler reconciler) {
        String[] outcome = new String[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                outcome[0] = VertxContextSupport.subscribeAndAwait(() -> reconciler.tick());
            } catch (Exception e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
            return !"skipped".equals(outcome[0]);
        });
        return outcome[0];
    }

    private void awaitStored(String... names) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, String> rows = database();
            for (String name : names) {
                if (!rows.containsKey("deployment " + name)) {
                    return false;
                }
            }
            return true;
        });
    }

    private List<String> messages(String deployment) {
        return reconciler.fleet().live.values().stream().filter(r -> r.deploymentName.equals(deployment))
                .map(r -> r.message).toList();
    }

    private List<String> liveStates(String deployment) {
        return reconciler.fleet().live.values().stream().filter(r -> r.deploymentName.equals(deployment))
                .map(r -> r.state).toList();
    }

    /** The copy holds the rows a full load reads, and the placer's counts kept across ticks are a fresh placer's. */
    private void assertCopyEqualsDatabase() {
        assertThat(memory()).isEqualTo(database());
        Fleet fleet = reconciler.fleet();
        assertThat(fleet.placer().capacity()).containsExactlyInAnyOrderElementsOf(fleet.freshPlacer().capacity());
    }

    /** The reconciler's copy, one line per row. */
    private Map<String, String> memory() {
        Fleet fleet = reconciler.fleet();
        assertThat(fleet).isNotNull();
        return rows(fleet.deployments.values(), fleet.live.values(), fleet.nodes, fleet.loads.values(),
                fleet.quotas.values());
    }

    /** What a full load of the tables reads, one line per row. */
    private Map<String, String> database() {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> deployments.listAll()
                    .chain(ds -> replicas.listLive().chain(rs -> nodes.listActive().chain(ns -> loads.listAll()
                            .chain(ls -> quotas.listAll().map(qs -> rows(ds, rs, ns, ls, qs))))))));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> rows(Collection<?>... tables) {
        Map<String, String> rows = new TreeMap<>();
        for (Collection<?> table : tables) {
            for (Object row : table) {
                rows.put(key(row), fields(row).toString());
            }
        }
        return rows;
    }

    private static String key(Object row) {
        if (row instanceof DeploymentEntity d) {
            return "deployment " + d.name;
        }
        if (row instanceof ReplicaEntity r) {
            return "replica " + r.deploymentName + " " + r.name;
        }
        if (row instanceof NodeEntity n) {
            return "node " + n.nodeId;
        }
        if (row instanceof DeploymentLoadEntity l) {
            return "load " + l.deployment + " " + l.instance;
        }
        QuotaEntity q = (QuotaEntity) row;
        return "quota " + q.account + " " + q.acceleratorType + " " + q.region;
    }

    /** Every column but the change number, which only the database tracks. */
    private static Map<String, Object> fields(Object row) {
        Map<String, Object> values = new TreeMap<>();
        // Read the fields themselves: the entity enhancement turns public fields into accessors.
        for (Field f : row.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.getName().startsWith("$$")
                    || f.getName().equals("changeSeq")) {
                continue;
            }
            try {
                f.setAccessible(true);
                values.put(f.getName(), f.get(row));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return values;
    }

    private static void sql(String... statements) {
        List<String> all = new ArrayList<>(List.of(statements));
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                    .chain(s -> {
                        Uni<Integer> chain = Uni.createFrom().item(0);
                        for (String statement : all) {
                            chain = chain.chain(() -> s.createNativeQuery(statement).executeUpdate());
                        }
                        return chain;
                    })));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
