package dev.ember.dataplane.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.MutinyEmitter;

import dev.ember.common.event.ApiKeyUsed;
import dev.ember.common.event.EventMessages;
import dev.ember.common.event.EventTypes;

/**
 * Tells the control plane when a key is used, so its {@code lastUsed} covers inference too: at most one
 * {@code apikey.used} a minute per key from this instance, straight to Kafka (a measurement; a lost one is replaced
 * by the next use). Requests pay a map lookup, and take no lock unless the key is due.
 */
@ApplicationScoped
public class KeyUsageReporter {

    public static final String CHANNEL = "ember-key-usage";
    public static final Duration RESOLUTION = Duration.ofMinutes(1);
    private static final String SOURCE = "/data-plane";

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.DROP)
    MutinyEmitter<byte[]> emitter;

    @Inject
    Clock clock;

    /** When each key may next be reported. */
    private final Map<String, Instant> nextDue = new ConcurrentHashMap<>();

    /** Records a use of the key named {@code keyName}; sends one when none was sent in the last minute. */
    public void used(String keyName) {
        Instant now = clock.instant();
        // Read without a lock first: every request of a busy key ends here, on every event loop.
        Instant due = nextDue.get(keyName);
        if (due != null && now.isBefore(due)) {
            return;
        }
        Instant[] sent = new Instant[1];
        nextDue.compute(keyName, (name, previous) -> {
            if (previous == null || !now.isBefore(previous)) {
                sent[0] = now;
                return now.plus(RESOLUTION);
            }
            return previous;
        });
        if (sent[0] != null) {
            emitter.sendMessageAndForget(EventMessages.message(EventTypes.API_KEY_USED, SOURCE, keyName, now,
                    new ApiKeyUsed(keyName, now)));
        }
    }
}
