package dev.ember.common.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A clock that runs {@code scale} times faster than its base from the moment it was made, so a demo shows an hour of
 * autoscaling in minutes. With scale 1 it is the base clock.
 */
public final class ScaledClock extends Clock {

    private final Clock base;
    private final double scale;
    private final Instant origin;

    public ScaledClock(Clock base, double scale) {
        this(base, scale, base.instant());
    }

    /**
     * A clock that runs {@code scale} times faster from {@code origin}: services given the same origin agree on the
     * time whenever each of them started.
     */
    public ScaledClock(Clock base, double scale, Instant origin) {
        if (!(scale > 0)) {
            throw new IllegalArgumentException("time scale must be positive, got " + scale);
        }
        this.base = base;
        this.scale = scale;
        this.origin = origin;
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new ScaledClock(base.withZone(zone), scale, origin);
    }

    @Override
    public Instant instant() {
        Instant now = base.instant();
        if (scale == 1.0) {
            return now;
        }
        long elapsedNanos = Duration.between(origin, now).toNanos();
        return origin.plusNanos((long) (elapsedNanos * scale));
    }
}
