package dev.ember.scheduler.jobs;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.outbox.Outbox;
import dev.ember.scheduler.persistence.SchedulerLock;

/**
 * The control plane's commands to jobs: run (a new job, or a resumed one from where it was), cancel (free its GPUs)
 * and delete. Idempotent: a command of a generation the job already has, or an older one, changes nothing.
 */
@ApplicationScoped
public class JobCommands {

    private static final Logger LOG = Logger.getLogger(JobCommands.class);

    @Inject
    JobRepository jobs;

    @Inject
    JobRunner runner;

    @Inject
    SchedulerLock lock;

    @Inject
    Outbox outbox;

    @WithTransaction
    public Uni<Void> apply(JobSpec spec) {
        return lock.acquire().chain(() -> jobs.findById(spec.name())).chain(existing -> {
            boolean same = existing != null && existing.uid.equals(spec.uid());
            if (same && spec.generation() <= existing.generation) {
                return Uni.createFrom().voidItem();
            }
            List<Outbox.Entry<?>> events = new ArrayList<>();
            Uni<Void> change;
            if (JobSpec.DELETE.equals(spec.desiredState())) {
                change = existing == null ? Uni.createFrom().voidItem() : jobs.delete(existing);
                LOG.infof("Job %s deleted", spec.name());
            } else if (JobSpec.CANCEL.equals(spec.desiredState())) {
                if (!same) {
                    return Uni.createFrom().voidItem();
                }
                existing.generation = spec.generation();
                existing.sequence = 0;
                if (!existing.state.equals(JobProgressReported.COMPLETED)) {
                    existing.state = JobProgressReported.CANCELLED;
                }
                existing.nodeId = null;
                existing.message = "cancelled";
                LOG.infof("Job %s cancelled at %d of %d units: GPUs freed", spec.name(), existing.completedUnits,
                        existing.totalUnits);
                runner.report(existing, spec.time(), events);
                change = Uni.createFrom().voidItem();
            } else {
                JobEntity j = same ? existing : new JobEntity();
                j.name = spec.name();
                j.uid = spec.uid();
                j.kind = spec.kind();
                j.account = spec.account();
                j.generation = spec.generation();
                j.state = JobProgressReported.PENDING;
                j.acceleratorType = spec.acceleratorType();
                j.gpus = spec.acceleratorCount();
                j.nodeId = null;
                j.region = null;
                j.totalUnits = spec.totalUnits();
                j.unitsPerEpoch = spec.unitsPerEpoch();
                j.completedUnits = Math.min(spec.completedUnits(), spec.totalUnits());
                j.baseUnits = j.completedUnits;
                j.runStart = null;
                j.sequence = 0;
                j.message = "";
                j.updateTime = spec.time();
                if (!same) {
                    j.createTime = spec.time();
                }
                LOG.infof("Job %s to run (generation %d) from %d of %d units", j.name, j.generation, j.completedUnits,
                        j.totalUnits);
                change = same
                        ? Uni.createFrom().voidItem()
                        : (existing != null ? jobs.delete(existing).call(jobs::flush) : Uni.createFrom().voidItem())
                                .chain(() -> jobs.persist(j)).replaceWithVoid();
            }
            return change.chain(() -> outbox.addAll(events));
        }).invoke(runner::trigger);
    }
}
