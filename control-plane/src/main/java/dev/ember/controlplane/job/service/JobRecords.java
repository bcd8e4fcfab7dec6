package dev.ember.controlplane.job.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.event.JobUpdated;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.job.persistence.JobEntity;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * What every job service does the same way to its rows: who may read or change a job, setting its state, applying a
 * scheduler report, telling the scheduler about a new command through the outbox, and listing a page of jobs.
 */
@ApplicationScoped
public class JobRecords {

    private static final Logger LOG = Logger.getLogger(JobRecords.class);

    @Inject
    AccountRepository accounts;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    /** One page of a job list as the API returns it. */
    @FunctionalInterface
    public interface PageOf<E, R> {

        R of(List<E> page, String nextPageToken, int totalSize);
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    public void set(JobEntity e, String state, String code, String message) {
        e.state = state;
        e.statusCode = code;
        e.statusMessage = message == null ? "" : message;
        e.updateTime = now();
    }

    /** A job of the caller's account (any job for a platform admin); another account's job does not exist. */
    public <E extends JobEntity> Uni<E> readable(Caller caller, String account, Supplier<Uni<E>> find,
            Supplier<NotFoundException> notFound) {
        if (!caller.platformAdmin() && !caller.accountId().equals(account)) {
            return Uni.createFrom().failure(notFound.get());
        }
        return find.get().onItem().ifNull().failWith(notFound);
    }

    /** As {@link #readable}, for a caller who may change the account's jobs; {@code find} locks the row. */
    public <E extends JobEntity> Uni<E> writable(Caller caller, String account, Supplier<Uni<E>> find,
            Supplier<NotFoundException> notFound) {
        if (!caller.platformAdmin() && !caller.accountId().equals(account)) {
            return Uni.createFrom().failure(notFound.get());
        }
        caller.requireWrite(account);
        return find.get().onItem().ifNull().failWith(notFound);
    }

    /** Fails with NOT_FOUND unless the account exists. */
    public Uni<Void> accountExists(String account) {
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .replaceWithVoid();
    }

    /** Starts a new command for the job: the scheduler's reports of earlier ones no longer count. */
    public static void newCommand(JobEntity e) {
        e.generation++;
        e.progressSequence = 0;
    }

    /**
     * Takes the report's progress if it is the newest report of the job's newest command (a redelivered or outdated
     * one changes nothing); false when it is not.
     */
    public boolean accept(JobEntity e, JobProgressReported r) {
        if (e == null || !e.uid.equals(r.uid()) || r.generation() != e.generation
                || r.sequence() <= e.progressSequence) {
            return false;
        }
        e.progressSequence = r.sequence();
        e.completedUnits = r.completedUnits();
        e.percent = r.percent();
        e.updateTime = now();
        return true;
    }

    /**
     * Moves the job to the reported state, {@code running} saying what it does on its GPUs ("running", "training");
     * true when the report says COMPLETED, which each kind of job finishes its own way.
     */
    public boolean advance(JobEntity e, JobProgressReported r, String running) {
        switch (r.state()) {
            case JobProgressReported.PENDING -> set(e, JobStates.PENDING, "OK", "waiting for GPUs: " + r.message());
            case JobProgressReported.RUNNING -> set(e, JobStates.RUNNING, "OK", running + " on "
                    + r.acceleratorCount() + " x " + r.acceleratorType() + " in " + r.region());
            case JobProgressReported.FAILED -> set(e, JobStates.FAILED, "FAILED_PRECONDITION", r.message());
            case JobProgressReported.CANCELLED -> set(e, JobStates.CANCELLED, "CANCELLED", r.message());
            case JobProgressReported.COMPLETED -> {
                return true;
            }
            default -> LOG.warnf("Job %s: unknown state %s reported", e.name(), r.state());
        }
        return false;
    }

    /** Tells the scheduler, through the outbox, what it should now do with the job ({@code desired}). */
    public Uni<Void> publish(JobEntity e, String kind, String desired, long totalUnits, long exampleCount) {
        JobSpec spec = new JobSpec(e.name(), e.uid, kind, e.generation, desired, e.acceleratorType,
                e.acceleratorCount, totalUnits, e.completedUnits, exampleCount, clock.instant());
        return outbox.add(EventTypes.JOB_UPDATED, e.name(), new JobUpdated(spec));
    }

    /** One page of the account's jobs, with the token of the next page and the total count. */
    public <E extends JobEntity, R> Uni<R> list(Caller caller, ListRequest request,
            Function<ListRequest, Uni<Long>> count, BiFunction<ListRequest, Integer, Uni<List<E>>> page,
            PageOf<E, R> response) {
        String account = request.account();
        caller.requireAccess(account);
        return accountExists(account)
                .chain(() -> count.apply(request))
                .chain(total -> page.apply(request, request.pageSize() + 1).map(rows -> {
                    boolean more = rows.size() > request.pageSize();
                    List<E> shown = more ? rows.subList(0, request.pageSize()) : rows;
                    String next = null;
                    if (more) {
                        E last = shown.get(shown.size() - 1);
                        next = request.nextPageToken(JobLists.sortKey(last, request), last.jobId);
                    }
                    return response.of(shown, next, Math.toIntExact(total));
                }));
    }
}
