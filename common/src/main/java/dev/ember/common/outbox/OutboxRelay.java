package dev.ember.common.outbox;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.vertx.core.Vertx;

import dev.ember.common.event.EventMessages;
import dev.ember.common.observability.TraceContext;
import dev.ember.common.reactive.SingleFlight;

/**
 * Publishes outbox rows to Kafka in id order and deletes them once the broker acknowledged them (at least once;
 * consumers are idempotent). A PostgreSQL advisory lock lets one relay at a time drain, so events of one key keep
 * their order even with several service replicas.
 */
@ApplicationScoped
@IfBuildProperty(name = "ember.outbox.enabled", stringValue = "true")
public class OutboxRelay {

    public static final String CHANNEL = "ember-outbox";
    /** Held by the relay that drains; tests hold it to stall the relay. */
    public static final long ADVISORY_LOCK = 0x656d626572L; // "ember"

    @Inject
    Vertx vertx;

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<byte[]> emitter;

    @ConfigProperty(name = "ember.outbox.poll-interval", defaultValue = "PT0.1S")
    Duration pollInterval;

    @ConfigProperty(name = "ember.outbox.batch-size", defaultValue = "200")
    int batchSize;

    private SingleFlight relay;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        relay = new SingleFlight(vertx, "Outbox relay", () -> drain().map(count -> count >= batchSize));
        timer = relay.every(pollInterval.toMillis());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (relay != null) {
            relay.stop();
            vertx.cancelTimer(timer);
        }
    }

    /** Publishes one batch; returns how many events left the outbox. */
    Uni<Integer> drain() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session
                        .createNativeQuery("select pg_try_advisory_xact_lock(" + ADVISORY_LOCK + ")", Boolean.class)
                        .getSingleResult())
                .chain(locked -> locked
                        ? OutboxEvent.<OutboxEvent>find("order by id").page(0, batchSize).list()
                        : Uni.createFrom().item(List.<OutboxEvent>of()))
                .chain(events -> events.isEmpty()
                        ? Uni.createFrom().item(0)
                        : publish(events)
                                .chain(() -> OutboxEvent.delete("id in ?1", events.stream().map(e -> e.id).toList()))
                                .map(Long::intValue)));
    }

    private Uni<Void> publish(List<OutboxEvent> events) {
        // Subscribed in list order: the producer keeps that order within each partition.
        List<Uni<Void>> sends = events.stream().map(e -> emitter.sendMessage(toMessage(e))).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    /**
     * The event as a record. With a stored trace context, the connector's producer span (and the {@code traceparent}
     * header it writes) continues the trace of the transaction that wrote the event, not the relay's timer.
     */
    static Message<byte[]> toMessage(OutboxEvent e) {
        Message<byte[]> message = EventMessages.message(e.eventId, e.topic, e.type, e.source, e.key, e.time,
                e.payload);
        if (e.traceparent == null) {
            return message;
        }
        return message.addMetadata(TracingMetadata.withCurrent(new TraceContext(e.traceparent, e.tracestate)
                .toContext()));
    }
}
