package dev.ember.common.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventType;
import dev.ember.common.observability.TraceContext;

/**
 * Writes events to the outbox table. Call it inside the transaction that makes the change, so the event exists if
 * and only if the change committed; {@link OutboxRelay} publishes it within a poll interval. The trace context of
 * the caller is stored with the event, so the published record continues the caller's trace.
 * <p>
 * {@link #add} writes one event; {@link #addAll} writes many with one statement per {@link #ROWS_PER_STATEMENT}
 * (ADR 25). Either way the database numbers the rows (the id is an identity column) in the order they were added, so
 * the relay, which publishes in id order, keeps each key's events in that order.
 */
@ApplicationScoped
@IfBuildProperty(name = "ember.outbox.enabled", stringValue = "true")
public class Outbox {

    /** The most rows {@link #addAll} writes with one statement (its one parameter holds them all). */
    static final int ROWS_PER_STATEMENT = 2_000;

    /**
     * The rows of one JSON array, in array order: {@code ORDER BY} the ordinality makes the identity column number
     * them in that order.
     */
    private static final String INSERT_ALL = "insert into {h-schema}outbox_event (event_id, topic, event_key, type, "
            + "source, event_time, payload, traceparent, tracestate) "
            + "select e->>'event_id', e->>'topic', e->>'event_key', e->>'type', e->>'source', "
            + "cast(e->>'event_time' as timestamptz), e->>'payload', e->>'traceparent', e->>'tracestate' "
            + "from jsonb_array_elements(cast(cast(?1 as text) as jsonb)) with ordinality as x(e, n) order by n";

    /** An event to write with {@link #addAll}: its type, the subject it is keyed by (the full resource name) and its data. */
    public record Entry<T>(EventType<T> type, String subject, T data) {
    }

    @Inject
    Clock clock;

    @ConfigProperty(name = "quarkus.application.name")
    String source;

    /** Adds an event keyed by {@code subject} (the full resource name). Must run in a transaction. */
    public <T> Uni<Void> add(EventType<T> type, String subject, T data) {
        OutboxEvent event = new OutboxEvent();
        event.eventId = UUID.randomUUID().toString();
        event.topic = type.topic();
        event.key = subject;
        event.type = type.type();
        event.source = "/" + source;
        event.time = clock.instant();
        event.payload = EventCodec.toJson(data);
        TraceContext.current().ifPresent(trace -> {
            event.traceparent = trace.traceparent();
            event.tracestate = trace.tracestate();
        });
        return event.persist().replaceWithVoid();
    }

    /**
     * Adds these events in list order, as many calls of {@link #add} in a row would, but with one statement per
     * {@link #ROWS_PER_STATEMENT} events and no entity in the session. Must run in a transaction; fails unless every
     * event was written.
     */
    public Uni<Void> addAll(List<Entry<?>> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant time = clock.instant();
        Optional<TraceContext> trace = TraceContext.current();
        List<Map<String, Object>> rows = new ArrayList<>(events.size());
        for (Entry<?> e : events) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("event_id", UUID.randomUUID().toString());
            row.put("topic", e.type().topic());
            row.put("event_key", e.subject());
            row.put("type", e.type().type());
            row.put("source", "/" + source);
            row.put("event_time", time.toString());
            row.put("payload", EventCodec.toJson(e.data()));
            row.put("traceparent", trace.map(TraceContext::traceparent).orElse(null));
            row.put("tracestate", trace.map(TraceContext::tracestate).orElse(null));
            rows.add(row);
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            List<Map<String, Object>> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
            chain = chain.chain(() -> insert(chunk));
        }
        return chain;
    }

    private static Uni<Void> insert(List<Map<String, Object>> rows) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(INSERT_ALL).setParameter(1, EventCodec.toJson(rows)).executeUpdate())
                .chain(written -> written == rows.size()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new IllegalStateException(
                                "wrote " + written + " of " + rows.size() + " outbox events")));
    }
}
