package dev.ember.common.outbox;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventType;
import dev.ember.common.observability.TraceContext;

/**
 * Writes events to the outbox table. Call it inside the transaction that makes the change, so the event exists if
 * and only if the change committed; {@link OutboxRelay} publishes it within a poll interval. The trace context of
 * the caller is stored with the event, so the published record continues the caller's trace.
 */
@ApplicationScoped
@IfBuildProperty(name = "ember.outbox.enabled", stringValue = "true")
public class Outbox {

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
}
