package dev.ember.dataplane.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Vertx;

import dev.ember.common.event.EventMessages;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.LoadReported;
import dev.ember.common.event.WakeUpRequested;

/**
 * Counts each deployment's traffic on this instance and reports it to the scheduler at a steady cadence; asks the
 * scheduler to wake a deployment that has no ready replica. Reports are measurements, not state: they go straight
 * to Kafka, and a lost one is replaced by the next.
 */
@ApplicationScoped
public class LoadReporter {

    public static final String CHANNEL = "ember-load";
    private static final String SOURCE = "/data-plane";
    private static final Duration WAKE_UP_SPACING = Duration.ofSeconds(1);

    /** Traffic of one deployment since the last report. */
    static final class Counters {

        final LongAdder requests = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder generatedTokens = new LongAdder();
        final LongAdder busyNanos = new LongAdder();
        final AtomicInteger inFlight = new AtomicInteger();
        volatile Instant lastRequest;
        volatile long lastWakeUpNanos;
    }

    /** One request being served, to finish when its last token is out. */
    public final class Tracked {

        private final Counters counters;
        private final long startNanos = System.nanoTime();

        Tracked(Counters counters) {
            this.counters = counters;
        }

        /** Adds prompt tokens learnt after the request began (an upstream server's count, from its response). */
        public void promptTokens(int tokens) {
            counters.promptTokens.add(tokens);
        }

        public void finish(int generatedTokens) {
            counters.generatedTokens.add(generatedTokens);
            counters.busyNanos.add(System.nanoTime() - startNanos);
            counters.inFlight.decrementAndGet();
        }
    }

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.DROP)
    MutinyEmitter<byte[]> emitter;

    @Inject
    Vertx vertx;

    @Inject
    Clock clock;

    @ConfigProperty(name = "dataplane.load-report-interval")
    Duration interval;

    private final String instance = "data-plane-" + UUID.randomUUID();
    private final Map<String, Counters> byDeployment = new ConcurrentHashMap<>();
    private long timer = -1;
    private long lastReportNanos = System.nanoTime();

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> report());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public Tracked begin(String deployment, int promptTokens) {
        Counters c = byDeployment.computeIfAbsent(deployment, d -> new Counters());
        c.requests.increment();
        c.promptTokens.add(promptTokens);
        c.inFlight.incrementAndGet();
        c.lastRequest = clock.instant();
        return new Tracked(c);
    }

    /** Signals that a request found no ready replica; at most one signal a second per deployment. */
    public void wakeUp(String deployment) {
        Counters c = byDeployment.computeIfAbsent(deployment, d -> new Counters());
        long now = System.nanoTime();
        if (c.lastWakeUpNanos != 0 && now - c.lastWakeUpNanos < WAKE_UP_SPACING.toNanos()) {
            return;
        }
        c.lastWakeUpNanos = now;
        c.lastRequest = clock.instant();
        emitter.sendMessageAndForget(EventMessages.message(EventTypes.WAKE_UP_REQUESTED, SOURCE, deployment,
                clock.instant(), new WakeUpRequested(deployment, instance, clock.instant())));
    }

    /** Publishes, for every deployment with traffic since the last report, its rates and mean concurrency. */
    void report() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastReportNanos) / 1e9);
        lastReportNanos = now;
        Instant time = clock.instant();
        byDeployment.forEach((deployment, c) -> {
            long requests = c.requests.sumThenReset();
            long prompt = c.promptTokens.sumThenReset();
            long generated = c.generatedTokens.sumThenReset();
            double busy = c.busyNanos.sumThenReset() / 1e9;
            int inFlight = c.inFlight.get();
            if (requests == 0 && inFlight == 0) {
                return;
            }
            // Little's law over the interval, and never less than what is running right now.
            double concurrent = Math.max(inFlight, busy / seconds);
            LoadReported load = new LoadReported(deployment, instance, requests / seconds, concurrent,
                    prompt / seconds, generated / seconds, c.lastRequest, time);
            emitter.sendMessageAndForget(EventMessages.message(EventTypes.LOAD_REPORTED, SOURCE, deployment, time,
                    load));
        });
    }
}
