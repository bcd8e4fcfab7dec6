package dev.ember.controlplane;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.ember.testsupport.AdvancingClock;

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
}
