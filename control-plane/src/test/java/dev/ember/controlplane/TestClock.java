package dev.ember.controlplane;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The control plane's clock in tests: the system clock, which tests may move forward (an expiry, the once-a-minute
 * {@code lastUsed} write) instead of waiting. It keeps running, so times still rise from one request to the next as
 * the deployment tests' orderings expect; it is only ever moved forward.
 */
@ApplicationScoped
public class TestClock {

    public static final AdvancingClock CLOCK = new AdvancingClock();

    @Produces
    @Singleton
    Clock clock() {
        return CLOCK;
    }

    /** System time plus an offset that only grows. */
    public static final class AdvancingClock extends Clock {

        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        public void advance(Duration by) {
            if (by.isNegative()) {
                throw new IllegalArgumentException("the test clock only moves forward");
            }
            offset.updateAndGet(o -> o.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }
}
