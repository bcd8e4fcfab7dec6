package dev.ember.scheduler.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.event.JobUpdated;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.common.hardware.Region;
import dev.ember.scheduler.TestClock;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * Jobs on the GPU pool through Kafka and PostgreSQL, as the control plane drives them: placed on a node, progressing
 * by the clock (2 examples per second per GPU by default), completing, waiting within quotas, cancelled and resumed.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class JobRunnerTest {

    static final String H100 = "NVIDIA_H100_80GB";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");

    @Test
    void aJobRunsByTheClockReportsItsEpochsAndCompletes() {
        JobSpec spec = run("jobs-a", "clocked", 1, 100, 50, 0, 1);
        JobProgressReported running = awaitReport(spec, r -> r.state().equals(JobProgressReported.RUNNING));
        assertThat(running.completedUnits()).isZero();
        assertThat(running.acceleratorType()).isEqualTo(H100);
        assertThat(running.region()).isNotNull();

        // 25 s at 2 examples/s: half of it, in its second epoch.
        TestClock.CLOCK.advance(Duration.ofSeconds(25));
        JobProgressReported half = awaitReport(spec, r -> r.percent() >= 50);
        assertThat(half.state()).isEqualTo(JobProgressReported.RUNNING);
        assertThat(half.percent()).isEqualTo(50);
        assertThat(half.epoch()).isEqualTo(1);

        Instant started = Instant.now(TestClock.CLOCK).minusSeconds(25);
        TestClock.CLOCK.advance(Duration.ofSeconds(30));
        JobProgressReported done = awaitReport(spec, r -> r.state().equals(JobProgressReported.COMPLETED));
        assertThat(done.completedUnits()).isEqualTo(100);
        assertThat(done.percent()).isEqualTo(100);
        assertThat(done.time()).isEqualTo(started.plusSeconds(50));

        // The same command again (a redelivery) changes nothing.
        long reports = reports(spec).size();
        publish(spec);
        TestClock.CLOCK.advance(Duration.ofSeconds(5));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6))
                .untilAsserted(() -> assertThat(reports(spec)).hasSize((int) reports));
    }

    @Test
    void quotasKeepAJobPendingWithTheReasonReplicasSeeJobGpusAndCancellingFreesThem() {
        String account = "jobs-q";
        for (Region region : Region.values()) {
            quota(account, region.name(), region == Region.US_TEXAS_1 ? 1 : 0);
        }
        JobSpec first = run(account, "first", 1, 1000, 1000, 0, 1);
        assertThat(awaitReport(first, r -> r.state().equals(JobProgressReported.RUNNING)).region())
                .isEqualTo("US_TEXAS_1");
        JobSpec second = run(account, "second", 1, 10, 10, 0, 1);
        JobProgressReported waiting = awaitReport(second, r -> r.state().equals(JobProgressReported.PENDING));
        assertThat(waiting.message()).startsWith("GPU quota of account jobs-q reached:")
                .contains("h100-us-texas-1 (1 of 1 GPUs in use)");

        // A deployment of the account sees the job's GPU: its replica waits for the quota too.
        DeploymentSpec d = new DeploymentSpec("accounts/" + account + "/deployments/beside", UUID.randomUUID()
                .toString(), 1, "beside", LLAMA_8B.name(), LLAMA_8B, H100, 1, "FP8", 1,
                1, "US_TEXAS_1", Instant.now(), null);
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, d.name(), new DeploymentCreated(d));
        await().atMost(WAIT).untilAsserted(() -> {
            DeploymentStatusReported s = kafka().all(EventTypes.DEPLOYMENT_STATUS_REPORTED, Duration.ofSeconds(1))
                    .stream().map(Event::data).filter(x -> x.name().equals(d.name()))
                    .max(Comparator.comparingLong(DeploymentStatusReported::sequence)).orElse(null);
            assertThat(s).isNotNull();
            assertThat(s.message()).isEqualTo("GPU quota of account jobs-q reached: h100-us-texas-1 (1 of 1 GPUs "
                    + "in use)");
        });
        kafka().publish(EventTypes.DEPLOYMENT_DELETED, d.name(),
                new DeploymentDeleted(d.name(), d.uid(), Instant.now(), Instant.now(), "done"));

        JobSpec cancel = command(first, 2, JobSpec.CANCEL, 0);
        assertThat(awaitReport(cancel, r -> true).state()).isEqualTo(JobProgressReported.CANCELLED);
        assertThat(awaitReport(second, r -> r.state().equals(JobProgressReported.RUNNING)).region())
                .isEqualTo("US_TEXAS_1");
    }

    @Test
    void aResumedJobContinuesFromWhereItWas() {
        JobSpec spec = run("jobs-r", "resumable", 2, 200, 100, 0, 1);
        awaitReport(spec, r -> r.state().equals(JobProgressReported.RUNNING));
        // 2 GPUs: 4 examples/s; 15 s -> 60 of 200.
        TestClock.CLOCK.advance(Duration.ofSeconds(15));
        assertThat(awaitReport(spec, r -> r.completedUnits() >= 60).completedUnits()).isEqualTo(60);

        JobSpec cancel = command(spec, 2, JobSpec.CANCEL, 0);
        awaitReport(cancel, r -> r.state().equals(JobProgressReported.CANCELLED));
        TestClock.CLOCK.advance(Duration.ofMinutes(10));

        JobSpec resume = command(spec, 3, JobSpec.RUN, 60);
        JobProgressReported again = awaitReport(resume, r -> r.state().equals(JobProgressReported.RUNNING));
        assertThat(again.completedUnits()).isEqualTo(60);
        assertThat(again.percent()).isEqualTo(30);
        TestClock.CLOCK.advance(Duration.ofSeconds(35));
        JobProgressReported done = awaitReport(resume, r -> r.state().equals(JobProgressReported.COMPLETED));
        assertThat(done.completedUnits()).isEqualTo(200);

        // Deleting the finished job removes it: nothing more is reported of it.
        publish(command(spec, 4, JobSpec.DELETE, 0));
    }

    @Test
    void aJobNoNodeCanHoldFailsWithTheReason() {
        JobSpec spec = run("jobs-f", "too-big", 16, 10, 10, 0, 1);
        JobProgressReported failed = awaitReport(spec, r -> r.state().equals(JobProgressReported.FAILED));
        assertThat(failed.message()).startsWith("cannot be placed: no NVIDIA_H100_80GB node in")
                .endsWith("has 16 GPUs (at most 8)");
    }

    static JobSpec run(String account, String id, int gpus, long total, long perEpoch, long done, long generation) {
        JobSpec spec = new JobSpec("accounts/" + account + "/supervisedFineTuningJobs/" + id,
                UUID.randomUUID().toString(), JobSpec.SUPERVISED_FINE_TUNING, generation, JobSpec.RUN, H100, gpus,
                total, done, perEpoch, Instant.now());
        publish(spec);
        return spec;
    }

    /** The next command for the same job. */
    static JobSpec command(JobSpec job, long generation, String desired, long done) {
        JobSpec next = new JobSpec(job.name(), job.uid(), job.kind(), generation, desired, job.acceleratorType(),
                job.acceleratorCount(), job.totalUnits(), done, job.unitsPerEpoch(), Instant.now());
        publish(next);
        return next;
    }

    static void publish(JobSpec spec) {
        kafka().publish(EventTypes.JOB_UPDATED, spec.name(), new JobUpdated(spec));
    }

    static void quota(String account, String region, long gpus) {
        String id = "h100-" + region.toLowerCase().replace('_', '-');
        String name = "accounts/" + account + "/quotas/" + id;
        kafka().publish(EventTypes.QUOTA_UPDATED, name, new QuotaUpdated(name, account, H100, region, gpus,
                Instant.now()));
    }

    static List<JobProgressReported> reports(JobSpec spec) {
        return kafka().all(EventTypes.JOB_PROGRESS_REPORTED, Duration.ofSeconds(1)).stream().map(Event::data)
                .filter(r -> r.name().equals(spec.name()) && r.uid().equals(spec.uid())).toList();
    }

    /** The newest report of the command's generation, once it matches. */
    static JobProgressReported awaitReport(JobSpec spec, Predicate<JobProgressReported> ok) {
        JobProgressReported[] last = new JobProgressReported[1];
        await().atMost(WAIT).untilAsserted(() -> {
            last[0] = reports(spec).stream().filter(r -> r.generation() == spec.generation())
                    .max(Comparator.comparingLong(JobProgressReported::sequence)).orElse(null);
            assertThat(last[0]).isNotNull().matches(ok, "report " + last[0]);
        });
        return last[0];
    }

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }
}
