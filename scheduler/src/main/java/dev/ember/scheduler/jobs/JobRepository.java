package dev.ember.scheduler.jobs;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.JobProgressReported;
import dev.ember.common.persistence.NativeSelects;
import dev.ember.scheduler.placement.Placer;

@ApplicationScoped
public class JobRepository implements PanacheRepositoryBase<JobEntity, String> {

    /** Jobs waiting for GPUs or running, oldest first (the order pending jobs are placed in). */
    public Uni<List<JobEntity>> listLive() {
        return list("state in ?1 order by createTime, name",
                List.of(JobProgressReported.PENDING, JobProgressReported.RUNNING));
    }

    /** The GPUs running jobs hold, for the reconciler's placements. Must run in a session. */
    public Uni<List<Placer.Holding>> holdings() {
        return list("state = ?1 and nodeId is not null", JobProgressReported.RUNNING)
                .map(JobRepository::holdings);
    }

    /**
     * Whether any job was inserted or updated after change number {@code seen} (V9: jobs take numbers of the
     * reconciler's change sequence too), so the reconciler reads the jobs' GPUs only when they may have changed.
     */
    public Uni<Boolean> changedSince(long seen) {
        return Panache.getSession().chain(s -> NativeSelects.create(s,
                "select exists (select 1 from scheduler.job where change_seq > :seen)", Boolean.class, "seen", seen)
                .getSingleResult());
    }

    static List<Placer.Holding> holdings(List<JobEntity> jobs) {
        return jobs.stream().filter(j -> JobProgressReported.RUNNING.equals(j.state) && j.nodeId != null)
                .map(j -> new Placer.Holding(j.account, j.nodeId, j.acceleratorType, j.gpus)).toList();
    }
}
