package dev.ember.cli.job;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.Names;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Wait;
import dev.ember.cli.WaitOptions;

/**
 * How fine-tuning and batch inference jobs read on the command line: their state without the {@code JOB_STATE_}
 * prefix, their progress in percent, and what {@code --wait} waits for.
 */
public final class JobView {

    static final String PREFIX = "JOB_STATE_";

    private JobView() {
    }

    /**
     * Prints the job, after following it to {@code target} when {@code --wait} asks to: {@code kind} names it in the
     * progress lines ({@code fine-tuning job tune-1: RUNNING}).
     */
    public static void waitAndPrint(Session s, String kind, JsonNode job, WaitOptions wait, Wait.Target target) {
        String name = job.path("name").asText();
        if (wait.enabled()) {
            job = Wait.until(s, kind + " " + Names.id(name), () -> s.call(Request.get(Names.path(name))), target,
                    wait.timeout());
        }
        s.output().resource(job);
    }

    /** {@code RUNNING} for {@code JOB_STATE_RUNNING}. */
    public static String state(JsonNode job) {
        String state = job.path("state").asText("");
        return state.startsWith(PREFIX) ? state.substring(PREFIX.length()) : state;
    }

    /**
     * The job's progress in percent: its {@code jobProgress.percent}, else the requests processed of its input, else
     * 0 (100 once COMPLETED).
     */
    public static int percent(JsonNode job) {
        JsonNode progress = job.path("jobProgress");
        if (progress.path("percent").isNumber()) {
            return progress.path("percent").asInt();
        }
        int total = progress.path("totalInputRequests").asInt(0);
        if (total > 0) {
            return (int) Math.min(100, progress.path("totalProcessedRequests").asLong(0) * 100 / total);
        }
        return state(job).equals("COMPLETED") ? 100 : 0;
    }

    /**
     * The state, and why the job is there when that says something: while it waits for GPUs and once it ended
     * otherwise than COMPLETED. A running job's message is left out, so a line is printed per state, not per poll.
     */
    public static String describe(JsonNode job) {
        String state = state(job);
        String message = job.path("status").path("message").asText("");
        boolean explains = state.equals("PENDING") || state.equals("FAILED") || state.equals("CANCELLED");
        return explains && !message.isEmpty() ? state + ": " + message : state;
    }

    /** {@code 45%} for a table. */
    public static String progress(JsonNode job) {
        return percent(job) + "%";
    }

    /** Done when COMPLETED; FAILED and CANCELLED end the wait with the job's status message. */
    public static Wait.Target completed() {
        return target("COMPLETED");
    }

    /** Done when CANCELLED (after {@code cancel}); COMPLETED or FAILED first end the wait as failed. */
    public static Wait.Target cancelled() {
        return target("CANCELLED");
    }

    private static Wait.Target target(String done) {
        return new Wait.Target() {

            @Override
            public Wait.Outcome judge(JsonNode job) {
                String state = state(job);
                if (state.equals(done)) {
                    return Wait.Outcome.DONE;
                }
                return switch (state) {
                    case "COMPLETED", "FAILED", "CANCELLED" -> Wait.Outcome.FAILED;
                    default -> Wait.Outcome.PENDING;
                };
            }

            @Override
            public String describe(JsonNode job) {
                return JobView.describe(job);
            }

            @Override
            public Integer percent(JsonNode job) {
                return JobView.percent(job);
            }
        };
    }
}
