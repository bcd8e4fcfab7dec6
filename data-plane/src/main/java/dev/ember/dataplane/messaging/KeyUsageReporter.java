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
 * by the next use). Requests pay a map lookup, never a write.
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

    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

    /** Records a use of the key named {@code keyName}; sends one when none was sent in the last minute. */
    public void used(String keyName) {
        Instant now = clock.instant();
        Instant[] sent = new Instant[1];
        lastSent.compute(keyName, (name, previous) -> {
            if (previous == null || !now.isBefore(previous.plus(RESOLUTION))) {
                sent[0] = now;
                return now;
            }
            return previous;
        });
        if (sent[0] != null) {
            emitter.sendMessageAndForget(EventMessages.message(EventTypes.API_KEY_USED, SOURCE, keyName, now,
                    new ApiKeyUsed(keyName, now)));
        }
    }
}
