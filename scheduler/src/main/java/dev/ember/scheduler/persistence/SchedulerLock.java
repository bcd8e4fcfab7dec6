package dev.ember.scheduler.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.ember.common.persistence.NativeSelects;

/**
 * One transaction-scoped PostgreSQL advisory lock for everything that writes the scheduler's deployments. The
 * reconciler reads all deployments and writes them back at the end of its tick; without this lock, a spec or load
 * event committed during a tick would be overwritten by the tick's stale copy.
 */
@ApplicationScoped
public class SchedulerLock {

    private static final long LOCK = 0x7363686564L; // "sched"

    /** Waits for the lock; it is released when the current transaction ends. */
    public Uni<Void> acquire() {
        return Panache.getSession().chain(s -> s.createNativeQuery("select pg_advisory_xact_lock(" + LOCK + ")")
                .getSingleResult()).replaceWithVoid();
    }

    /** Takes the lock if it is free; false when another writer holds it. */
    public Uni<Boolean> tryAcquire() {
        return Panache.getSession().chain(s -> NativeSelects.create(s, "select pg_try_advisory_xact_lock(:lock)",
                Boolean.class, "lock", LOCK).getSingleResult());
    }
}
