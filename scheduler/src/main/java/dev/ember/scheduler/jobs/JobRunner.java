package dev.ember.scheduler.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.hardware.Region;
import dev.ember.common.outbox.Outbox;
import dev.ember.common.quota.QuotaDefaults;
import dev.ember.common.reactive.SingleFlight;
import dev.ember.scheduler.config.SchedulerConfig;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.scheduler.persistence.SchedulerLock;
import dev.ember.scheduler.persistence.SchedulerRepositories;
import dev.ember.scheduler.placement.Placer;

/**
 * Runs jobs on the GPU pool, level-based like the replica reconciler and under the same lock, so the two never hand
 * out one GPU twice: each tick finishes the running jobs whose work is done by the clock, places the pending ones
 * (oldest first, whole job on one node, within the account's GPU quota, in any region with the accelerator type) and
 * reports progress on {@code ember.jobs} whenever a job's percent or state changes. A running job's progress is
 * computed from the clock (work done when its run started, plus throughput x GPUs x time since), so a restarted
 * scheduler picks up exactly where the clock says.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    static final String ANYWHERE = "any region";

    @Inject
    SchedulerConfig schedulerConfig;

    @Inject
    JobsConfig config;

    @Inject
    JobRepository jobs;

    @Inject
    SchedulerRepositories.Nodes nodes;

    @Inject
    SchedulerRepositories.Replicas replicas;

    @Inject
    SchedulerRepositories.Quotas quotas;

    @Inject
    SchedulerLock lock;

    @Inject
    QuotaDefaults quotaDefaults;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    private SingleFlight loop;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        loop = new SingleFlight(vertx, "JobRunner", () -> tick().replaceWith(false));
        timer = loop.every(schedulerConfig.reconcileInterval().toMillis());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timer);
        }
    }

    /** Asks for a tick soon, e.g. after a command arrived. */
    public void trigger() {
        if (loop != null) {
            loop.trigger();
        }
    }

    /** One pass over the live jobs, in one transaction; skipped while the reconciler holds the lock. */
    public Uni<Void> tick() {
        return Panache.withTransaction(() -> lock.tryAcquire().chain(locked -> !locked
                ? Uni.createFrom().voidItem()
                : jobs.listLive().chain(live -> {
                    if (live.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return nodes.listActive().chain(ns -> replicas.listLive().chain(rs -> quotas.listAll()
                            .chain(qs -> {
                                List<Outbox.Entry<?>> events = new ArrayList<>();
                                plan(live, ns, Placer.holdings(rs), qs, clock.instant(), events);
                                return outbox.addAll(events);
                            })));
                })));
    }

    /** Decides one tick on the loaded entities (changing them in place) and collects the events to write. */
    void plan(List<JobEntity> live, List<NodeEntity> ns, List<Placer.Holding> replicaHoldings,
            List<QuotaEntity> qs, Instant now, List<Outbox.Entry<?>> events) {
        for (JobEntity j : live) {
            if (JobProgressReported.RUNNING.equals(j.state)) {
                advance(j, now, events);
            }
        }
        List<Placer.Holding> holdings = new ArrayList<>(replicaHoldings);
        holdings.addAll(JobRepository.holdings(live));
        Map<String, Long> limits = new HashMap<>();
        for (QuotaEntity q : qs) {
            limits.put(Placer.quotaKey(q.account, q.acceleratorType, q.region), q.gpus);
        }
        Placer placer = new Placer(ns, holdings, limits, quotaDefaults.defaultGpus());
        List<String> regions = Arrays.stream(Region.values()).map(Enum::name).toList();
        for (JobEntity j : live) {
            if (JobProgressReported.PENDING.equals(j.state)) {
                place(j, placer, regions, now, events);
            }
        }
    }

    private void place(JobEntity j, Placer placer, List<String> regions, Instant now, List<Outbox.Entry<?>> events) {
        Optional<String> never = placer.neverFits(j.acceleratorType, j.gpus, regions);
        if (never.isPresent()) {
            j.state = JobProgressReported.FAILED;
            j.message = "cannot be placed: " + never.get();
            LOG.infof("Job %s failed: %s", j.name, j.message);
            report(j, now, events);
            return;
        }
        Placer.Placement placement = placer.place(j.account, j.acceleratorType, j.gpus, regions, ANYWHERE);
        if (!placement.placed()) {
            if (j.sequence == 0 || !placement.reason().equals(j.message)) {
                j.message = placement.reason();
                report(j, now, events);
            }
            return;
        }
        j.state = JobProgressReported.RUNNING;
        j.nodeId = placement.node().nodeId;
        j.region = placement.node().region;
        j.runStart = now;
        j.baseUnits = j.completedUnits;
        j.message = "";
        LOG.infof("Job %s runs on %s (%d x %s) from %d of %d units", j.name, j.nodeId, j.gpus, j.acceleratorType,
                j.completedUnits, j.totalUnits);
        report(j, now, events);
    }

    /** Moves a running job to where the clock says; completes it (and frees its GPUs) when its work is done. */
    private void advance(JobEntity j, Instant now, List<Outbox.Entry<?>> events) {
        double perSecond = unitsPerSecond(j);
        long remaining = j.totalUnits - j.baseUnits;
        Instant doneAt = j.runStart.plus(Duration.ofMillis((long) Math.ceil(remaining / perSecond * 1000)));
        if (!now.isBefore(doneAt)) {
            j.completedUnits = j.totalUnits;
            j.state = JobProgressReported.COMPLETED;
            j.nodeId = null;
            j.message = "";
            LOG.infof("Job %s completed", j.name);
            report(j, doneAt, events);
            return;
        }
        double seconds = Duration.between(j.runStart, now).toMillis() / 1000.0;
        long done = Math.min(j.totalUnits, j.baseUnits + (long) Math.floor(seconds * perSecond));
        int before = percent(j.completedUnits, j.totalUnits);
        j.completedUnits = done;
        if (percent(done, j.totalUnits) != before) {
            report(j, now, events);
        }
    }

    private double unitsPerSecond(JobEntity j) {
        double perGpu = JobSpec.BATCH_INFERENCE.equals(j.kind)
                ? config.batchRowsPerSecondPerGpu()
                : config.trainingExamplesPerSecondPerGpu();
        return perGpu * j.gpus;
    }

    static int percent(long done, long total) {
        return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }

    /** Writes the job's current state as the next report of its generation. */
    void report(JobEntity j, Instant at, List<Outbox.Entry<?>> events) {
        j.sequence++;
        j.updateTime = at;
        int epoch = j.unitsPerEpoch <= 0
                ? 0
                : (int) Math.min(Math.max(0, (j.totalUnits / j.unitsPerEpoch) - 1), j.completedUnits / j.unitsPerEpoch);
        JobProgressReported report = new JobProgressReported(j.name, j.uid, j.kind, j.generation, j.sequence, j.state,
                j.completedUnits, j.totalUnits, percent(j.completedUnits, j.totalUnits), epoch, j.region,
                j.acceleratorType, j.gpus, j.message, at);
        events.add(new Outbox.Entry<>(EventTypes.JOB_PROGRESS_REPORTED, j.name, report));
    }
}
