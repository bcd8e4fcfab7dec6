package dev.ember.common.outbox;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

import dev.ember.common.event.EventMessages;
import dev.ember.common.observability.TraceContext;
import dev.ember.common.persistence.NativeSelects;
import dev.ember.common.reactive.SingleFlight;

/**
 * Publishes outbox rows to Kafka in id order and deletes them once the broker acknowledged them (at least once;
 * consumers are idempotent). A PostgreSQL advisory lock lets one relay at a time drain, so events of one key keep
 * their order even with several service replicas.
 * <p>
 * It drains every poll interval and, with {@code ember.outbox.notify-channel} set, also when PostgreSQL notifies that
 * channel: a trigger on the outbox table notifies it, and PostgreSQL delivers the notification when the writing
 * transaction commits (to every replica's relay). Woken drains are at least {@code ember.outbox.wake-interval} apart
 * (ADR 33): a commit after a quiet interval drains at once, and the commits of a busy interval leave in one batch
 * when it ends; the poll stays as the fallback while the listening connection is down.
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

    @ConfigProperty(name = "ember.outbox.notify-channel")
    Optional<String> notifyChannel;

    @ConfigProperty(name = "ember.outbox.wake-interval", defaultValue = "PT0.05S")
    Duration wakeInterval;

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** When the last woken drain was started ({@link System#nanoTime()}: pacing, not a rule on the clock). */
    private volatile long lastWokenDrain = System.nanoTime() - Long.MAX_VALUE / 2;
    private SingleFlight relay;
    private PgSubscriber subscriber;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        relay = new SingleFlight(vertx, "Outbox relay", () -> drain().map(count -> count >= batchSize));
        timer = relay.every(pollInterval.toMillis());
        notifyChannel.filter(c -> !c.isBlank()).ifPresent(this::listen);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (relay != null) {
            relay.stop();
            vertx.cancelTimer(timer);
        }
        if (subscriber != null) {
            subscriber.close();
        }
    }

    /** LISTENs on {@code channel} over a connection of its own (the datasource's), reconnecting while it is down. */
    private void listen(String channel) {
        var config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url",
                String.class).replaceFirst("^vertx-reactive:", ""));
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(options::setUser);
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        // Notifications sent while the connection was down are lost: drain once (re)connected.
        subscriber.channel(channel).handler(payload -> wake()).subscribeHandler(v -> wake());
        subscriber.connect().onFailure(failure -> LOG.warnf(failure,
                "Outbox relay: cannot listen on '%s'; events leave every %s (the poll interval) until it can",
                channel, pollInterval));
    }

    /**
     * A commit wrote events: drain at once if the last woken drain started at least the wake interval ago, else when
     * that interval ends, once for all the commits meanwhile.
     */
    void wake() {
        if (wakePending.compareAndSet(false, true)) {
            vertx.setTimer(wakeDelayMillis(lastWokenDrain, System.nanoTime(), wakeInterval), id -> {
                lastWokenDrain = System.nanoTime();
                wakePending.set(false);
                relay.trigger();
            });
        }
    }

    /** How long a wake-up at {@code now} waits: what is left of the interval since {@code last}, at least 1 ms. */
    static long wakeDelayMillis(long last, long now, Duration interval) {
        long left = interval.toNanos() - (now - last);
        return Math.max(1, (left + 999_999) / 1_000_000);
    }

    /**
     * Publishes one batch; returns how many events left the outbox. One statement takes the batch: it deletes the
     * oldest rows, returning them, only while this transaction holds the advisory lock (another relay draining means
     * no rows). The transaction commits once Kafka acknowledged every event; a failed send rolls the delete back, so
     * the events stay for the next drain.
     */
    Uni<Integer> drain() {
        String sql = "delete from {h-schema}outbox_event where id in (select id from {h-schema}outbox_event where "
                + "pg_try_advisory_xact_lock(:lock) order by id limit " + batchSize + ") returning *";
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> NativeSelects.create(session, sql, OutboxEvent.class, "lock", ADVISORY_LOCK)
                        .getResultList())
                .chain(taken -> {
                    if (taken.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    // DELETE ... RETURNING keeps no order: publish in id order, as the events were written.
                    List<OutboxEvent> events = taken.stream().sorted(Comparator.comparing(e -> e.id)).toList();
                    return publish(events).replaceWith(events.size());
                }));
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
