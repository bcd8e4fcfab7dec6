package dev.ember.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ScaledClockTest {

    static class Manual extends Clock {

        Instant now = Instant.parse("2026-01-05T09:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aScaledClockRunsThatManyTimesFaster() {
        Manual base = new Manual();
        Instant start = base.now;
        ScaledClock clock = new ScaledClock(base, 60);
        base.now = base.now.plusSeconds(60);
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void scaleOneIsTheBaseClock() {
        Manual base = new Manual();
        ScaledClock clock = new ScaledClock(base, 1);
        base.now = base.now.plusSeconds(5);
        assertThat(clock.instant()).isEqualTo(base.now);
    }

    @Test
    void theScaleMustBePositive() {
        assertThatThrownBy(() -> new ScaledClock(Clock.systemUTC(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
