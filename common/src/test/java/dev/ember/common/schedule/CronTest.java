package dev.ember.common.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

class CronTest {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void weekdayMorningsOpenAtEightLocalTimeAndLastTheDuration() {
        Cron cron = Cron.parse("0 8 * * Mon-Fri");
        Duration tenHours = Duration.ofHours(10);
        // Wednesday 2026-01-07 in New York (UTC-5).
        assertThat(cron.activeAt(Instant.parse("2026-01-07T12:59:00Z"), NEW_YORK, tenHours)).isFalse();
        assertThat(cron.activeAt(Instant.parse("2026-01-07T13:00:00Z"), NEW_YORK, tenHours)).isTrue();
        assertThat(cron.activeAt(Instant.parse("2026-01-07T22:59:59Z"), NEW_YORK, tenHours)).isTrue();
        assertThat(cron.activeAt(Instant.parse("2026-01-07T23:00:00Z"), NEW_YORK, tenHours)).isFalse();
        // Saturday: no window.
        assertThat(cron.activeAt(Instant.parse("2026-01-10T15:00:00Z"), NEW_YORK, tenHours)).isFalse();
    }

    @Test
    void daylightSavingTimeMovesTheWindowInUtc() {
        Cron cron = Cron.parse("0 8 * * *");
        // In July New York is UTC-4: 08:00 local is 12:00 UTC.
        assertThat(cron.activeAt(Instant.parse("2026-07-15T12:30:00Z"), NEW_YORK, Duration.ofHours(1))).isTrue();
        assertThat(cron.activeAt(Instant.parse("2026-01-15T12:30:00Z"), NEW_YORK, Duration.ofHours(1))).isFalse();
    }

    @Test
    void aWindowLongerThanADayCarriesOverMidnightAndMonthEnds() {
        Cron firstOfMonth = Cron.parse("0 0 1 * *");
        ZoneId utc = ZoneId.of("UTC");
        assertThat(firstOfMonth.activeAt(Instant.parse("2026-03-02T23:00:00Z"), utc, Duration.ofDays(2))).isTrue();
        assertThat(firstOfMonth.activeAt(Instant.parse("2026-03-03T00:00:00Z"), utc, Duration.ofDays(2))).isFalse();
        assertThat(firstOfMonth.previousFire(ZonedDateTime.parse("2026-03-01T00:00:30Z"), Duration.ofDays(1)))
                .contains(ZonedDateTime.parse("2026-03-01T00:00Z"));
    }

    @Test
    void stepsListsAndNamesAreUnderstood() {
        Cron cron = Cron.parse("*/15 9-17/4 * JAN,jul 0");
        ZoneId utc = ZoneId.of("UTC");
        // Sunday 2026-01-04 at 13:45: hour 13 is in 9,13,17 and minute 45 in 0,15,30,45.
        assertThat(cron.previousFire(ZonedDateTime.parse("2026-01-04T13:50:00Z"), Duration.ofMinutes(10)))
                .contains(ZonedDateTime.parse("2026-01-04T13:45Z"));
        // Day 7 is Sunday too.
        assertThat(Cron.parse("0 0 * * 7").activeAt(Instant.parse("2026-01-04T00:30:00Z"), utc,
                Duration.ofHours(1))).isTrue();
    }

    @Test
    void restrictingBothDayFieldsFiresOnEither() {
        Cron cron = Cron.parse("0 0 13 * Fri");
        ZoneId utc = ZoneId.of("UTC");
        // 2026-01-13 is a Tuesday (the 13th), 2026-01-16 a Friday; 2026-01-14 neither.
        assertThat(cron.activeAt(Instant.parse("2026-01-13T00:10:00Z"), utc, Duration.ofHours(1))).isTrue();
        assertThat(cron.activeAt(Instant.parse("2026-01-16T00:10:00Z"), utc, Duration.ofHours(1))).isTrue();
        assertThat(cron.activeAt(Instant.parse("2026-01-14T00:10:00Z"), utc, Duration.ofHours(1))).isFalse();
    }

    @Test
    void badExpressionsSayWhichFieldIsWrong() {
        assertThatThrownBy(() -> Cron.parse("0 8 * *")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> Cron.parse("60 8 * * *")).hasMessageContaining("minute 60 is outside 0-59");
        assertThatThrownBy(() -> Cron.parse("0 8 * * Mon-Funday")).hasMessageContaining("day-of-week 'Funday'")
                .hasMessageContaining("SUN-SAT");
        assertThatThrownBy(() -> Cron.parse("0 17-9 * * *")).hasMessageContaining("runs backwards");
        assertThatThrownBy(() -> Cron.parse("*/0 * * * *")).hasMessageContaining("outside");
    }
}
