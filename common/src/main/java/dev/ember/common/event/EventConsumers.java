package dev.ember.common.event;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The consuming side of every service: decode, skip what this build does not know, retry a failing handler with
 * backoff (the partition waits, so order holds) and never stop the channel on one bad record.
 */
public final class EventConsumers {

    private static final Logger LOG = Logger.getLogger(EventConsumers.class);
    private static final int MAX_ATTEMPTS = 60;
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 10_000;

    private EventConsumers() {
    }

    public static Uni<Void> dispatch(ConsumerRecord<String, byte[]> record, Function<Event<?>, Uni<Void>> handler) {
        Optional<Event<?>> event;
        try {
            event = EventCodec.decode(record.headers(), record.value());
        } catch (IllegalArgumentException e) {
            LOG.errorf("Skipping undecodable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Uni.createFrom().voidItem();
        }
        if (event.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Event<?> e = event.get();
        return attempt(e, handler, 1, Vertx.currentContext());
    }

    /**
     * Runs the handler, retrying with exponential backoff on the same Vert.x context (reactive sessions are bound to
     * it), up to {@value #MAX_ATTEMPTS} attempts.
     */
    private static Uni<Void> attempt(Event<?> e, Function<Event<?>, Uni<Void>> handler, int attempt, Context context) {
        return Uni.createFrom().deferred(() -> handler.apply(e)).onFailure().recoverWithUni(f -> {
            if (attempt >= MAX_ATTEMPTS) {
                LOG.errorf(f, "Giving up on %s for %s after %d attempts", e.type().type(), e.subject(), attempt);
                return Uni.createFrom().voidItem();
            }
            long delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt - 1, 10));
            LOG.warnf("Handling %s for %s failed (attempt %d), retrying in %d ms: %s", e.type().type(), e.subject(),
                    attempt, delay, f.toString());
            return sleep(delay, context).chain(() -> attempt(e, handler, attempt + 1, context));
        });
    }

    private static Uni<Void> sleep(long millis, Context context) {
        if (context == null) {
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(millis));
        }
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(millis,
                id -> context.runOnContext(v -> emitter.complete(null))));
    }
}
