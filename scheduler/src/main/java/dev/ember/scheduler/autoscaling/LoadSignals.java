package dev.ember.scheduler.autoscaling;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.LoadReported;
import dev.ember.common.event.WakeUpRequested;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.SchedulerLock;
import dev.ember.scheduler.persistence.SchedulerRepositories;

/**
 * Stores what the data planes say about load. Times are the scheduler's own clock at receipt, so clocks of other
 * services never skew the windows.
 */
@ApplicationScoped
public class LoadSignals {

    @Inject
    SchedulerRepositories.Deployments deployments;

    @Inject
    SchedulerLock lock;

    @Inject
    SchedulerRepositories.Loads loads;

    @Inject
    Clock clock;

    @WithTransaction
    public Uni<Void> reported(LoadReported report) {
        Instant now = clock.instant();
        return lock.acquire().chain(() -> deployments.findById(report.deployment()).chain(d -> {
            if (d == null) {
                return Uni.createFrom().voidItem();
            }
            if (report.requestsPerSecond() > 0 || report.concurrentRequests() > 0) {
                used(d, now);
            }
            return loads.findById(new DeploymentLoadEntity.Key(report.deployment(), report.instance()))
                    .chain(existing -> {
                        DeploymentLoadEntity load = existing != null ? existing : new DeploymentLoadEntity();
                        load.deployment = report.deployment();
                        load.instance = report.instance();
                        load.requestsPerSecond = report.requestsPerSecond();
                        load.concurrentRequests = report.concurrentRequests();
                        load.promptTokensPerSecond = report.promptTokensPerSecond();
                        load.generatedTokensPerSecond = report.generatedTokensPerSecond();
                        load.reportedAt = now;
                        return existing != null
                                ? Uni.createFrom().voidItem()
                                : loads.persist(load).replaceWithVoid();
                    });
        }));
    }

    /** A request found no ready replica: it counts as traffic, so a scaled-to-zero deployment wakes at once. */
    @WithTransaction
    public Uni<Void> wakeUp(WakeUpRequested wakeUp) {
        Instant now = clock.instant();
        return lock.acquire().chain(() -> deployments.findById(wakeUp.deployment()).invoke(d -> {
            if (d != null) {
                used(d, now);
            }
        })).replaceWithVoid();
    }

    private static void used(DeploymentEntity d, Instant now) {
        if (d.lastRequestTime == null || d.lastRequestTime.isBefore(now)) {
            d.lastRequestTime = now;
        }
    }
}
