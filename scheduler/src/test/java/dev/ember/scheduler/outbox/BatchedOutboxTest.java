package dev.ember.scheduler.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.outbox.Outbox;
import dev.ember.common.outbox.OutboxRelay;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;
import dev.ember.testsupport.ServiceDatabase;

/**
 * Many events written with one call of {@link Outbox#addAll} (ADR 25), on real PostgreSQL and Kafka: the rows are
 * exactly the events added, once each, in the order added, around single {@link Outbox#add} calls of the same
 * transaction; a rolled-back transaction leaves none; and the relay publishes every one once, each key's in order.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class BatchedOutboxTest {

    /** More than two statements' worth, so the events span three statements of one call. */
    static final int EVENTS = 4_500;
    static final int KEYS = 7;

    @Inject
    Outbox outbox;

    @Test
    void eventsAddedTogetherAreStoredOnceEachInTheOrderAdded() throws Throwable {
        String prefix = "accounts/batch-" + UUID.randomUUID().toString().substring(0, 8) + "/deployments/d/replicas/";
        List<Outbox.Entry<?>> burst = burst(prefix, EVENTS);
        try (Connection db = ServiceDatabase.connect()) {
            // The relay drains only while it holds this lock: holding it keeps every row in the table to look at.
            execute(db, "select pg_advisory_lock(" + OutboxRelay.ADVISORY_LOCK + ")");
            try {
                inTransaction(
                        () -> outbox.add(EventTypes.REPLICA_UPDATED, prefix + "first", replica(prefix + "first", 1))
                                .chain(() -> outbox.addAll(burst))
                                .chain(() -> outbox.add(EventTypes.REPLICA_UPDATED, prefix + "last",
                                        replica(prefix + "last", 1))));

                List<String> expected = new ArrayList<>();
                expected.add(prefix + "first#1");
                burst.forEach(e -> expected.add(e.subject() + "#" + ((ReplicaUpdated) e.data()).sequence()));
                expected.add(prefix + "last#1");
                List<String[]> rows = rows(db, prefix);
                assertThat(rows).extracting(r -> r[0] + "#" + sequenceOf(r[1])).containsExactlyElementsOf(expected);
                Set<String> eventIds = new HashSet<>();
                rows.forEach(r -> eventIds.add(r[2]));
                assertThat(eventIds).as("one event id per event").hasSize(EVENTS + 2);
                assertThat(rows).allSatisfy(r -> {
                    assertThat(r[3]).isEqualTo(EventTypes.REPLICA_UPDATED.type());
                    assertThat(r[4]).isEqualTo("/scheduler");
                    assertThat(r[5]).isEqualTo(EventTypes.REPLICA_UPDATED.topic());
                });
            } finally {
                execute(db, "select pg_advisory_unlock(" + OutboxRelay.ADVISORY_LOCK + ")");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> rows(db, prefix).isEmpty());
        }

        // Published: every event once, each key's events in the order they were added.
        Map<String, List<Long>> published = new LinkedHashMap<>();
        new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class))
                .all(EventTypes.REPLICA_UPDATED, Duration.ofSeconds(5)).stream()
                .filter(e -> e.subject().startsWith(prefix))
                .forEach(e -> published.computeIfAbsent(e.subject(), k -> new ArrayList<>()).add(e.data().sequence()));
        assertThat(published.keySet()).hasSize(KEYS + 2);
        for (int k = 0; k < KEYS; k++) {
            List<Long> inOrder = new ArrayList<>();
            for (long s = 1; s <= perKey(k, EVENTS); s++) {
                inOrder.add(s);
            }
            assertThat(published.get(prefix + "r-" + k)).as("key r-%d", k).containsExactlyElementsOf(inOrder);
        }
        assertThat(published.get(prefix + "first")).containsExactly(1L);
        assertThat(published.get(prefix + "last")).containsExactly(1L);
    }

    @Test
    void aTransactionThatRollsBackLeavesNoneOfItsEvents() throws Throwable {
        String prefix = "accounts/batch-" + UUID.randomUUID().toString().substring(0, 8) + "/deployments/d/replicas/";
        try (Connection db = ServiceDatabase.connect()) {
            execute(db, "select pg_advisory_lock(" + OutboxRelay.ADVISORY_LOCK + ")");
            try {
                assertThatThrownBy(() -> inTransaction(() -> outbox.addAll(burst(prefix, 50))
                        .chain(() -> Uni.createFrom().failure(new IllegalStateException("the change failed")))))
                        .hasMessageContaining("the change failed");
                assertThat(rows(db, prefix)).isEmpty();
            } finally {
                execute(db, "select pg_advisory_unlock(" + OutboxRelay.ADVISORY_LOCK + ")");
            }
        }
    }

    /** {@code count} replica events over {@link #KEYS} keys, interleaved, each key's sequence counting from 1. */
    private static List<Outbox.Entry<?>> burst(String prefix, int count) {
        List<Outbox.Entry<?>> events = new ArrayList<>(count);
        long[] sequence = new long[KEYS];
        for (int i = 0; i < count; i++) {
            // An uneven interleaving, so no key's events sit at a regular stride.
            int k = (i * 31 + i / 5) % KEYS;
            String name = prefix + "r-" + k;
            events.add(new Outbox.Entry<>(EventTypes.REPLICA_UPDATED, name, replica(name, ++sequence[k])));
        }
        return events;
    }

    /** How many of {@code count} events {@link #burst} gives key {@code k}. */
    private static long perKey(int k, int count) {
        long n = 0;
        for (int i = 0; i < count; i++) {
            if ((i * 31 + i / 5) % KEYS == k) {
                n++;
            }
        }
        return n;
    }

    private static ReplicaUpdated replica(String name, long sequence) {
        return new ReplicaUpdated(name, "accounts/batch/deployments/d", "uid", sequence, "READY", "US_IOWA_1",
                "node-1", "NVIDIA_H100_80GB", 1, "step " + sequence + " \"quoted\" \\ ünïcode", Instant.now());
    }

    private static long sequenceOf(String payload) {
        return EventCodec.fromJson(payload, new TypeReference<ReplicaUpdated>() {
        }).sequence();
    }

    /** The outbox rows of these keys in id order: key, payload, event id, type, source, topic. */
    private static List<String[]> rows(Connection db, String prefix) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("select event_key, payload, event_id, type, source, topic "
                + "from scheduler.outbox_event where event_key like ? order by id")) {
            s.setString(1, prefix + "%");
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)});
                }
            }
            return rows;
        }
    }

    private static void inTransaction(Supplier<Uni<Void>> work) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }
}
