package dev.ember.common.time;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.DefaultBean;

/** The clock every rule reads. {@code ember.time-scale} (EMBER_TIME_SCALE) speeds it up; tests replace it. */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @ApplicationScoped
    @DefaultBean
    Clock clock(@ConfigProperty(name = "ember.time-scale", defaultValue = "1") double scale) {
        return new ScaledClock(Clock.systemUTC(), scale);
    }
}
