package dev.ember.common.time;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.DefaultBean;

/**
 * The clock every rule reads. {@code ember.time-scale} (EMBER_TIME_SCALE) speeds it up from
 * {@code ember.time-origin} (EMBER_TIME_ORIGIN, an ISO instant shared by all services; default: this process's
 * start); tests replace it.
 */
@ApplicationScoped
public class ClockProducer {

    @Produces
    @ApplicationScoped
    @DefaultBean
    Clock clock(@ConfigProperty(name = "ember.time-scale", defaultValue = "1") double scale,
            @ConfigProperty(name = "ember.time-origin") Optional<Instant> origin) {
        Clock system = Clock.systemUTC();
        return new ScaledClock(system, scale, origin.orElse(system.instant()));
    }
}
