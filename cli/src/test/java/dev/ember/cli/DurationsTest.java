package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import picocli.CommandLine.TypeConversionException;

class DurationsTest {

    @Test
    void readsUnitsAndPlainSeconds() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.api(Duration.ofMinutes(10))).isEqualTo("600s");
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThatThrownBy(() -> Durations.parse("ten minutes")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("90s, 10m, 1h30m");
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> Durations.parse("5x")).isInstanceOf(TypeConversionException.class);
    }
}
