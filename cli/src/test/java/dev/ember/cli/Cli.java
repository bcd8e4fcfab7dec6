package dev.ember.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import picocli.CommandLine;

/** Runs {@code ember} in this JVM with captured output, as a person would type it. */
final class Cli {

    record Result(int exitCode, String out, String err) {
    }

    static CliEnvironment environment(Path home, Map<String, String> env) {
        return new CliEnvironment(env, home, new ByteArrayInputStream(new byte[0]), false, Clock.systemUTC(),
                Duration.ofMillis(10));
    }

    static Result run(CliEnvironment environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = EmberCli.commandLine(environment);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static CliEnvironment withInput(CliEnvironment environment, String input) {
        return environment.withStdin(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    }

    private Cli() {
    }
}
