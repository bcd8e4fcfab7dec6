package dev.ember.scheduler;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.ember.testsupport.MutableClock;

/** Replaces the system clock in tests; tests advance {@link #CLOCK}. */
@ApplicationScoped
public class TestClock {

    public static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-05T09:00:00Z"));

    @Produces
    @Singleton
    Clock clock() {
        return CLOCK;
    }
}
