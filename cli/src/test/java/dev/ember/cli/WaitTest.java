package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.deployment.DeploymentView;
import dev.ember.cli.job.JobView;

/** {@code --wait} on a deployment or a job whose answers are given in turn; the clock moves 2 s a poll. */
class WaitTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static JsonNode deployment(String state, int pending, int downloading, int ready, int desired) {
        return ApiClient.parse("""
                {"name": "accounts/a/deployments/d", "state": "%s", "minReplicaCount": 1, "maxReplicaCount": 2,
                 "desiredReplicaCount": %d, "replicaStats": {"pendingSchedulingReplicaCount": %d,
                 "downloadingModelReplicaCount": %d, "initializingReplicaCount": 0, "readyReplicaCount": %d},
                 "status": {"code": "OK", "message": "out of GPUs in us-iowa-1"}}"""
                .formatted(state, desired, pending, downloading, ready));
    }

    private Session session(boolean tty, Clock clock) {
        CliEnvironment env = new CliEnvironment(Map.of(), Path.of("/nonexistent"),
                new ByteArrayInputStream(new byte[0]), tty, clock, Duration.ZERO);
        GlobalOptions options = new GlobalOptions();
        options.output = GlobalOptions.Format.text;
        options.accountId = "a";
        return new Session(env, new PrintWriter(out, true), new PrintWriter(err, true), options, false);
    }

    private final MutableClock clock = new MutableClock();

    /** The platform's clock here: each poll after the first takes 2 s. */
    private static final class MutableClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Answers the given deployments in turn (the last one from then on); every poll but the first takes 2 s. */
    private java.util.function.Supplier<JsonNode> answers(JsonNode... nodes) {
        Deque<JsonNode> queue = new ArrayDeque<>(List.of(nodes));
        boolean[] first = {true};
        return () -> {
            if (!first[0]) {
                clock.now = clock.now.plusSeconds(2);
            }
            first[0] = false;
            return queue.size() > 1 ? queue.poll() : queue.peek();
        };
    }

    @Test
    void withoutATerminalEachNewStateIsOneLineUntilReady() {
        JsonNode done = Wait.until(session(false, clock), "deployment d", answers(
                deployment("CREATING", 1, 0, 0, 1),
                deployment("CREATING", 1, 0, 0, 1),
                deployment("CREATING", 0, 1, 0, 1),
                deployment("READY", 0, 0, 1, 1)), DeploymentView.ready(null), Duration.ofMinutes(5));

        assertThat(done.path("state").asText()).isEqualTo("READY");
        assertThat(out.toString()).isEqualTo("""
                [0s] deployment d: CREATING (1 pending scheduling)
                [4s] deployment d: CREATING (1 downloading model)
                deployment d: READY (1 ready) after 6s
                """);
    }

    @Test
    void onATerminalTheLineIsRedrawnAndTheLastOneStays() {
        Wait.until(session(true, clock), "deployment d", answers(
                deployment("CREATING", 0, 1, 0, 1),
                deployment("READY", 0, 0, 1, 1)), DeploymentView.ready(null), Duration.ofMinutes(5));

        assertThat(out.toString()).isEqualTo("\r\033[2Kdeployment d: CREATING (1 downloading model)  [0s]"
                + "\r\033[2Kdeployment d: READY (1 ready) after 2s\n");
    }

    @Test
    void aFailedDeploymentEndsTheWaitWithItsMessageAndExitCode5() {
        assertThatThrownBy(() -> Wait.until(session(false, clock), "deployment d", answers(
                deployment("CREATING", 1, 0, 0, 1),
                deployment("FAILED", 0, 0, 0, 1)), DeploymentView.ready(null), Duration.ofMinutes(5)))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.WAIT_FAILED);
                    assertThat(e.getMessage())
                            .isEqualTo("deployment d failed: FAILED: out of GPUs in us-iowa-1");
                });
    }

    @Test
    void theWaitGivesUpAtItsTimeoutWithTheLastState() {
        assertThatThrownBy(() -> Wait.until(session(false, clock), "deployment d",
                answers(deployment("CREATING", 1, 0, 0, 1)), DeploymentView.ready(null), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.WAIT_FAILED);
                    assertThat(e.getMessage()).isEqualTo("gave up waiting for deployment d after 10s"
                            + " (--wait-timeout 10s); last: CREATING (1 pending scheduling)");
                });
    }

    private static JsonNode job(String state, Integer percent, String message) {
        return ApiClient.parse("""
                {"name": "accounts/a/supervisedFineTuningJobs/j", "state": "JOB_STATE_%s",
                 "status": {"code": "%s", "message": "%s"}%s}"""
                .formatted(state, state, message, percent == null
                        ? ""
                        : ", \"jobProgress\": {\"percent\": "
                                + percent + "}"));
    }

    @Test
    void withoutATerminalAJobPrintsALinePerStateAndPerQuarterOfItsProgress() {
        JsonNode done = Wait.until(session(false, clock), "fine-tuning job j", answers(
                job("CREATING", null, ""),
                job("PENDING", 0, "waiting for 1 x NVIDIA_H100_80GB"),
                job("RUNNING", 10, "epoch 0"),
                job("RUNNING", 20, "epoch 0"),
                job("RUNNING", 55, "epoch 1"),
                job("RUNNING", 60, "epoch 1"),
                job("COMPLETED", 100, "")), JobView.completed(), Duration.ofMinutes(5));

        assertThat(done.path("state").asText()).isEqualTo("JOB_STATE_COMPLETED");
        assertThat(out.toString()).isEqualTo("""
                [0s] fine-tuning job j: CREATING 0%
                [2s] fine-tuning job j: PENDING: waiting for 1 x NVIDIA_H100_80GB 0%
                [4s] fine-tuning job j: RUNNING 10%
                [8s] fine-tuning job j: RUNNING 55%
                fine-tuning job j: COMPLETED after 12s
                """);
    }

    @Test
    void onATerminalAJobIsItsStateWithAProgressBarRedrawnInPlace() {
        Wait.until(session(true, clock), "fine-tuning job j", answers(
                job("RUNNING", 30, ""),
                job("RUNNING", 100, ""),
                job("COMPLETED", 100, "")), JobView.completed(), Duration.ofMinutes(5));

        assertThat(out.toString()).isEqualTo(
                "\r\033[2Kfine-tuning job j: RUNNING  [#########.....................]  30%  [0s]"
                        + "\r\033[2Kfine-tuning job j: RUNNING  [##############################] 100%  [2s]"
                        + "\r\033[2Kfine-tuning job j: COMPLETED after 4s\n");
    }

    @Test
    void aFailedOrCancelledJobEndsTheWaitWithItsStatusMessageAndExitCode5() {
        assertThatThrownBy(() -> Wait.until(session(false, clock), "fine-tuning job j", answers(
                job("RUNNING", 40, ""),
                job("FAILED", 40, "line 3 of train.jsonl is longer than maxContextLength")), JobView.completed(),
                Duration.ofMinutes(5)))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.WAIT_FAILED);
                    assertThat(e.getMessage()).isEqualTo("fine-tuning job j failed: FAILED: line 3 of train.jsonl"
                            + " is longer than maxContextLength");
                });
        assertThatThrownBy(() -> Wait.until(session(false, clock), "fine-tuning job j", answers(
                job("CANCELLED", 40, "cancelled by user 'admin' at 40%")), JobView.completed(),
                Duration.ofMinutes(5)))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("fine-tuning job j failed: CANCELLED: cancelled by user 'admin' at 40%"));
    }

    @Test
    void aBatchJobWithoutAPercentShowsTheShareOfItsRowsProcessed() {
        JsonNode batch = ApiClient.parse("""
                {"state": "JOB_STATE_RUNNING", "jobProgress": {"totalInputRequests": 8,
                 "totalProcessedRequests": 6}}""");

        assertThat(JobView.percent(batch)).isEqualTo(75);
        assertThat(JobView.state(batch)).isEqualTo("RUNNING");
    }

    @Test
    void labelsShowScaledToZeroAndInactive() {
        JsonNode scaledToZero = ApiClient.parse("""
                {"state": "READY", "minReplicaCount": 0, "maxReplicaCount": 2, "desiredReplicaCount": 0,
                 "replicaStats": {"readyReplicaCount": 0}}""");
        JsonNode inactive = ApiClient.parse("""
                {"state": "READY", "minReplicaCount": 0, "maxReplicaCount": 0, "desiredReplicaCount": 0}""");

        assertThat(DeploymentView.label(scaledToZero)).isEqualTo("Scaled to 0");
        assertThat(DeploymentView.label(inactive)).isEqualTo("Inactive");
        assertThat(DeploymentView.label(deployment("UPDATING", 0, 1, 1, 2))).isEqualTo("UPDATING");
        assertThat(DeploymentView.replicas(deployment("UPDATING", 0, 1, 1, 2)))
                .isEqualTo("1 downloading model, 1 ready");
    }
}
