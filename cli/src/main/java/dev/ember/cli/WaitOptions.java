package dev.ember.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** {@code --wait} and {@code --wait-timeout}. */
public final class WaitOptions {

    @Option(names = "--wait", description = "Wait until it is done, showing live progress; exit 5 if it fails or the wait times out.")
    boolean wait;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "1h", converter = Durations.class, description = "How long --wait waits, e.g. 90s, 10m, 1h (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    public boolean enabled() {
        return wait;
    }

    public Duration timeout() {
        return timeout;
    }
}
