package dev.ember.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;

class ProtoDurationsTest {

    @Test
    void parsesSecondsWithAnOptionalFraction() {
        assertThat(ProtoDurations.parse("f", "0s")).isEqualTo(Duration.ZERO);
        assertThat(ProtoDurations.parse("f", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ProtoDurations.parse("f", "600s")).isEqualTo(Duration.ofMinutes(10));
        assertThat(ProtoDurations.parse("f", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ProtoDurations.parse("f", "0.000000001s")).isEqualTo(Duration.ofNanos(1));
        assertThat(ProtoDurations.parse("f", "2.000123s")).isEqualTo(Duration.ofSeconds(2, 123_000));
        assertThat(ProtoDurations.parse("f", "315576000000s")).isEqualTo(Duration.ofSeconds(315_576_000_000L));
    }

    @Test
    void refusesEveryOtherFormNamingTheField() {
        for (String bad : new String[]{"5m", "1h", "30", "PT30S", "-1s", "1.s", ".5s", "1.0000000001s", " 30s",
                "30S", "", "1e3s"}) {
            assertThatThrownBy(() -> ProtoDurations.parse("autoscalingPolicy.scaleUpWindow", bad))
                    .as("'%s'", bad)
                    .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.violations())
                            .extracting(FieldViolation::field).containsExactly("autoscalingPolicy.scaleUpWindow"));
        }
        assertThatThrownBy(() -> ProtoDurations.parse("f", null)).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void refusesDurationsBeyondProtobufsRange() {
        assertThatThrownBy(() -> ProtoDurations.parse("f", "315576000001s"))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> ProtoDurations.parse("f", "99999999999999999999999s"))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void formatsAsProtobufDoesWithZeroThreeSixOrNineFractionDigits() {
        assertThat(ProtoDurations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(ProtoDurations.format(Duration.ofMinutes(10))).isEqualTo("600s");
        assertThat(ProtoDurations.format(Duration.ofHours(1))).isEqualTo("3600s");
        assertThat(ProtoDurations.format(Duration.ofMillis(1500))).isEqualTo("1.500s");
        assertThat(ProtoDurations.format(Duration.ofSeconds(2, 123_000))).isEqualTo("2.000123s");
        assertThat(ProtoDurations.format(Duration.ofNanos(1))).isEqualTo("0.000000001s");
        assertThat(ProtoDurations.format(Duration.ofMillis(-1500))).isEqualTo("-1.500s");
    }

    @Test
    void whatItWritesItReadsBack() {
        for (Duration d : new Duration[]{Duration.ZERO, Duration.ofSeconds(30), Duration.ofMillis(1),
                Duration.ofSeconds(7, 1), Duration.ofDays(7)}) {
            assertThat(ProtoDurations.parse("f", ProtoDurations.format(d))).isEqualTo(d);
        }
    }
}
