package dev.ember.common.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.ember.common.reactive.SingleFlight;

/**
 * The outbox backlog on {@code /q/metrics}: how many events wait for the relay and how old the oldest is. A backlog
 * that grows means the relay cannot reach Kafka (or is not running); the age says how stale consumers are.
 */
@ApplicationScoped
@IfBuildProperty(name = "ember.outbox.enabled", stringValue = "true")
public class OutboxMetrics {

    public static final String WAITING = "ember.outbox.events.waiting";
    public static final String OLDEST_AGE = "ember.outbox.oldest.event.age";

    /** What the last sample saw; {@code oldest} is null when the outbox was empty. */
    record Backlog(long waiting, Instant oldest) {
    }

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    @Inject
    Clock clock;

    @ConfigProperty(name = "ember.outbox.metrics-interval", defaultValue = "PT5S")
    Duration interval;

    private volatile Backlog backlog = new Backlog(0, null);
    private SingleFlight sampler;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        Gauge.builder(WAITING, this, m -> m.backlog.waiting())
                .description("Events written to the outbox and not yet published to Kafka")
                .register(registry);
        Gauge.builder(OLDEST_AGE, this, OutboxMetrics::oldestAgeSeconds)
                .description(
                        "Age of the oldest event waiting in the outbox (0 when it is empty), on the platform clock")
                .baseUnit("seconds")
                .register(registry);
        sampler = new SingleFlight(vertx, "Outbox metrics", () -> sample().replaceWith(false));
        timer = sampler.every(interval.toMillis());
        sampler.trigger();
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (sampler != null) {
            sampler.stop();
            vertx.cancelTimer(timer);
        }
    }

    Uni<Void> sample() {
        return Panache.withSession(() -> Panache.getSession()
                .chain(session -> session
                        .createSelectionQuery("select count(e), min(e.time) from OutboxEvent e", Object[].class)
                        .getSingleResult()))
                .invoke(row -> backlog = new Backlog(((Number) row[0]).longValue(), (Instant) row[1]))
                .replaceWithVoid();
    }

    private double oldestAgeSeconds() {
        Instant oldest = backlog.oldest();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
    }
}
