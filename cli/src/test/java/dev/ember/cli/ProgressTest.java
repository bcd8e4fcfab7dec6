package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProgressTest {

    private final StringWriter screen = new StringWriter();

    @Test
    void onATerminalOneLineIsRedrawnInPlace() {
        Progress progress = Progress.to(new PrintWriter(screen), true);

        progress.status("deployment d: CREATING (1 pending scheduling)", Duration.ofSeconds(1));
        progress.status("deployment d: CREATING (1 downloading model)", Duration.ofSeconds(3));
        progress.status("deployment d: CREATING (1 downloading model)", Duration.ofSeconds(4));
        progress.finish("deployment d: READY (1 ready) after 9s");

        assertThat(screen.toString()).isEqualTo(
                "\r\033[2Kdeployment d: CREATING (1 pending scheduling)  [1s]"
                        + "\r\033[2Kdeployment d: CREATING (1 downloading model)  [3s]"
                        + "\r\033[2Kdeployment d: CREATING (1 downloading model)  [4s]"
                        + "\r\033[2Kdeployment d: READY (1 ready) after 9s\n");
    }

    @Test
    void elsewhereEachChangeIsOnePlainLineAndRepeatsAreLeftOut() {
        Progress progress = Progress.to(new PrintWriter(screen), false);

        progress.status("deployment d: CREATING (1 pending scheduling)", Duration.ofSeconds(1));
        progress.status("deployment d: CREATING (1 downloading model)", Duration.ofSeconds(3));
        progress.status("deployment d: CREATING (1 downloading model)", Duration.ofSeconds(4));
        progress.status("deployment d: CREATING (1 initializing)", Duration.ofSeconds(75));
        progress.finish("deployment d: READY (1 ready) after 1m21s");

        assertThat(screen.toString()).doesNotContain("\r", "\033").isEqualTo("""
                [1s] deployment d: CREATING (1 pending scheduling)
                [3s] deployment d: CREATING (1 downloading model)
                [1m15s] deployment d: CREATING (1 initializing)
                deployment d: READY (1 ready) after 1m21s
                """);
    }

    @Test
    void onATerminalAnUploadIsABarWithPercentAndSizes() {
        Progress progress = Progress.to(new PrintWriter(screen), true);

        progress.bytes("adapter_model.safetensors", 0, 4 * 1024 * 1024, Duration.ZERO);
        progress.bytes("adapter_model.safetensors", 4 * 1024 * 1024, 4 * 1024 * 1024, Duration.ofSeconds(2));

        assertThat(screen.toString()).isEqualTo(
                "\r\033[2K[..............................]   0%  0 B / 4.0 MiB  adapter_model.safetensors  [0s]"
                        + "\r\033[2K[##############################] 100%  4.0 MiB / 4.0 MiB"
                        + "  adapter_model.safetensors  [2s]");
    }

    @Test
    void elsewhereAnUploadPrintsALineAtEachQuarter() {
        Progress progress = Progress.to(new PrintWriter(screen), false);

        for (long done = 0; done <= 1000; done += 100) {
            progress.bytes("model.bin", done, 1000, Duration.ofSeconds(done / 100));
        }

        assertThat(screen.toString()).isEqualTo("""
                [0s] model.bin: 0% (0 B / 1000 B)
                [3s] model.bin: 30% (300 B / 1000 B)
                [5s] model.bin: 50% (500 B / 1000 B)
                [8s] model.bin: 80% (800 B / 1000 B)
                [10s] model.bin: 100% (1000 B / 1000 B)
                """);
    }

    @Test
    void elapsedTimeReadsLikeAClock() {
        assertThat(Progress.elapsed(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Progress.elapsed(Duration.ofSeconds(61))).isEqualTo("1m01s");
        assertThat(Progress.elapsed(Duration.ofMinutes(125))).isEqualTo("2h05m");
    }
}
