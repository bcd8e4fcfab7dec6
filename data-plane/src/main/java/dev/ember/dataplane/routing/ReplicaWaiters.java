package dev.ember.dataplane.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Requests held until their deployment has a READY replica ({@code x-ember-wait-for-replica}). A held request is a
 * future, not a thread: the replica events complete it when a replica of its deployment becomes READY, and a sweep
 * every {@value #SWEEP_MILLIS} ms completes those whose deadline (on the injected clock) has passed.
 */
@ApplicationScoped
public class ReplicaWaiters {

    static final long SWEEP_MILLIS = 100;

    private record Waiter(Instant deadline, CompletableFuture<Boolean> done) {
    }

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    @Inject
    RoutingTable routing;

    private final Map<String, Set<Waiter>> byDeployment = new ConcurrentHashMap<>();
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        timer = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        byDeployment.values().forEach(ws -> ws.forEach(w -> w.done().complete(false)));
    }

    /**
     * Runs {@code attempt}; when it finds no ready replica and {@code hold} is more than zero, waits (without a thread)
     * until a replica of the deployment is READY and runs it again, until {@code hold} has passed on the clock, when
     * the attempt's 503 is the answer. Before each attempt after a wait, {@code recheck} runs: what it throws (the
     * caller's key revoked while the request waited) is the answer instead. Whatever follows a wait runs on
     * {@code resume} (the request's own Vert.x context), not on the thread that announced the replica.
     */
    public <T> Uni<T> hold(Duration hold, Runnable recheck, Supplier<T> attempt, Executor resume) {
        return attempt(clock.instant().plus(hold), recheck, attempt, resume);
    }

    private <T> Uni<T> attempt(Instant deadline, Runnable recheck, Supplier<T> attempt, Executor resume) {
        try {
            return Uni.createFrom().item(attempt.get());
        } catch (NoReadyReplicaException e) {
            if (!clock.instant().isBefore(deadline)) {
                throw e;
            }
            return await(e.deployment(), deadline, () -> routing.deployment(e.deployment())
                    .flatMap(routing::leastLoadedReady).isPresent())
                    .emitOn(resume)
                    .chain(ready -> {
                        if (!ready) {
                            return Uni.createFrom().failure(e);
                        }
                        recheck.run();
                        return attempt(deadline, recheck, attempt, resume);
                    });
        }
    }

    /**
     * Waits until a replica of {@code deployment} becomes READY (true) or {@code deadline} passes (false).
     * {@code readyNow} is asked once the wait is registered, so a replica that became READY just before is not missed.
     */
    public Uni<Boolean> await(String deployment, Instant deadline, BooleanSupplier readyNow) {
        Waiter waiter = new Waiter(deadline, new CompletableFuture<>());
        Set<Waiter> waiters = byDeployment.computeIfAbsent(deployment, d -> ConcurrentHashMap.newKeySet());
        waiters.add(waiter);
        waiter.done().whenComplete((ready, e) -> waiters.remove(waiter));
        if (readyNow.getAsBoolean()) {
            waiter.done().complete(true);
        }
        return Uni.createFrom().completionStage(waiter.done());
    }

    /** A replica of {@code deployment} is READY: every request held for it goes on. */
    public void replicaReady(String deployment) {
        Set<Waiter> waiters = byDeployment.get(deployment);
        if (waiters != null) {
            waiters.forEach(w -> w.done().complete(true));
        }
    }

    /** Requests held now for a replica of {@code deployment}. */
    public int held(String deployment) {
        Set<Waiter> waiters = byDeployment.get(deployment);
        return waiters == null ? 0 : waiters.size();
    }

    void sweep() {
        Instant now = clock.instant();
        byDeployment.values().forEach(ws -> ws.forEach(w -> {
            if (!now.isBefore(w.deadline())) {
                w.done().complete(false);
            }
        }));
    }
}
