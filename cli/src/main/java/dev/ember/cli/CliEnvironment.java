package dev.ember.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the CLI takes from the world around it, so tests can give it their own: environment variables, the home
 * folder, standard input, whether standard output is a terminal (live progress redrawn in place, or one line per
 * change), the clock and how often {@code --wait} polls.
 */
public record CliEnvironment(Map<String, String> env, Path userHome, InputStream stdin, boolean tty, Clock clock,
        Duration pollInterval) {

    public CliEnvironment {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(userHome, "userHome");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** This process: its environment, {@code user.home}, {@code System.in}, and a terminal when it has a console. */
    public static CliEnvironment system() {
        return new CliEnvironment(System.getenv(), Path.of(System.getProperty("user.home")), System.in,
                System.console() != null, Clock.systemUTC(), Duration.ofSeconds(1));
    }

    public CliEnvironment withTty(boolean tty) {
        return new CliEnvironment(env, userHome, stdin, tty, clock, pollInterval);
    }

    public CliEnvironment withStdin(InputStream stdin) {
        return new CliEnvironment(env, userHome, stdin, tty, clock, pollInterval);
    }

    String get(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** {@code $EMBER_HOME/auth.ini} when EMBER_HOME is set (as {@code ember up} writes it), else ~/.ember/auth.ini. */
    public Path authFile() {
        String home = get("EMBER_HOME");
        return home != null ? Path.of(home).resolve("auth.ini") : userHome.resolve(".ember").resolve("auth.ini");
    }
}
