package dev.ember.dataplane.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
import dev.ember.common.event.UsageReported;

/**
 * Counts the tokens served per account, model, deployment and API key, and publishes them to {@code ember.usage}
 * every {@code dataplane.usage-report-interval} (and on shutdown) for the control plane's usage ledger. Each report
 * carries this instance's rising sequence, so a redelivered one is counted once; a crash loses at most the last
 * interval's counts.
 */
@ApplicationScoped
public class UsageReporter {

    public static final String CHANNEL = "ember-usage";
    private static final String SOURCE = "/data-plane";

    /** What usage is counted by. */
    public record Key(String account, String model, String deployment, String apiKey, String usageType) {
    }

    private static final class Counters {

        final LongAdder requests = new LongAdder();
        final LongAdder promptTokens = new LongAdder();
        final LongAdder completionTokens = new LongAdder();
    }

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<byte[]> emitter;

    @Inject
    Vertx vertx;

    @Inject
    Clock clock;

    @ConfigProperty(name = "dataplane.usage-report-interval")
    Duration interval;

    private final String instance = "data-plane-" + UUID.randomUUID();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Key, Counters> counters = new ConcurrentHashMap<>();
    private volatile Instant windowStart;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        windowStart = clock.instant();
        timer = vertx.setPeriodic(interval.toMillis(), id -> report());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        report();
    }

    /** One request served: its prompt and the completion tokens sent. */
    public void record(Key key, int promptTokens, int completionTokens) {
        Counters c = counters.computeIfAbsent(key, k -> new Counters());
        c.requests.increment();
        c.promptTokens.add(promptTokens);
        c.completionTokens.add(completionTokens);
    }

    /** Publishes every key with usage since the last report. */
    synchronized void report() {
        Instant start = windowStart;
        Instant end = clock.instant();
        windowStart = end;
        counters.forEach((key, c) -> {
            long requests = c.requests.sumThenReset();
            long prompt = c.promptTokens.sumThenReset();
            long completion = c.completionTokens.sumThenReset();
            if (requests == 0) {
                return;
            }
            UsageReported usage = new UsageReported(instance, sequence.incrementAndGet(), key.account(), key.model(),
                    key.deployment(), key.apiKey(), key.usageType(), requests, prompt, completion, start, end);
            emitter.sendMessageAndForget(EventMessages.message(EventTypes.USAGE_REPORTED, SOURCE, key.account(), end,
                    usage));
        });
    }
}
