package dev.ember.dataplane;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.ember.testsupport.AdvancingClock;

/**
 * The data plane's clock in tests: the system clock, which tests move forward to cross a rate-limit window or a held
 * request's deadline without waiting.
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
