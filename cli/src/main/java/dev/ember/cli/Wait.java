package dev.ember.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Polls a resource until it is done or failed, showing its status as it changes ({@link Progress}): on stdout in
 * text mode, on stderr under {@code -o json} so that stdout holds only the final JSON.
 */
public final class Wait {

    public enum Outcome {
        PENDING, DONE, FAILED
    }

    /** How a waited-for resource is judged and described. */
    public interface Target {

        Outcome judge(JsonNode resource);

        String describe(JsonNode resource);

        /** How far along it is, for a progress bar; null when it has no such measure. */
        default Integer percent(JsonNode resource) {
            return null;
        }
    }

    private Wait() {
    }

    /**
     * Polls with {@code poll} until {@code target} says DONE and returns the last answer. FAILED, or no DONE within
     * {@code timeout}, is a {@link CliException} with exit code {@link ExitCodes#WAIT_FAILED} and the last status.
     */
    public static JsonNode until(Session session, String what, Supplier<JsonNode> poll, Target target,
            Duration timeout) {
        CliEnvironment env = session.env();
        Progress progress = Progress.to(session.json() ? session.err() : session.out(), env.tty());
        Instant start = env.clock().instant();
        Function<Instant, Duration> elapsed = now -> Duration.between(start, now);
        while (true) {
            JsonNode resource = poll.get();
            String status = target.describe(resource);
            Outcome outcome = target.judge(resource);
            Duration took = elapsed.apply(env.clock().instant());
            if (outcome == Outcome.DONE) {
                progress.finish(what + ": " + status + " after " + Progress.elapsed(took));
                return resource;
            }
            if (outcome == Outcome.FAILED) {
                progress.finish(what + ": " + status + " after " + Progress.elapsed(took));
                throw new CliException(ExitCodes.WAIT_FAILED, what + " failed: " + status);
            }
            if (took.compareTo(timeout) >= 0) {
                progress.finish(what + ": " + status + " after " + Progress.elapsed(took));
                throw new CliException(ExitCodes.WAIT_FAILED, "gave up waiting for " + what + " after "
                        + Progress.elapsed(took) + " (--wait-timeout " + Progress.elapsed(timeout) + "); last: "
                        + status);
            }
            Integer percent = target.percent(resource);
            if (percent == null) {
                progress.status(what + ": " + status, took);
            } else {
                progress.percent(what + ": " + status, percent, took);
            }
            sleep(env.pollInterval());
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.ERROR, "interrupted while waiting", e);
        }
    }
}
