package dev.ember.scheduler.placement;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.QuotaUpdated;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.scheduler.persistence.SchedulerLock;
import dev.ember.scheduler.persistence.SchedulerRepositories;

/** Keeps the scheduler's copy of the accounts' GPU quotas, from the control plane's events. Idempotent. */
@ApplicationScoped
public class Quotas {

    private static final Logger LOG = Logger.getLogger(Quotas.class);

    @Inject
    SchedulerRepositories.Quotas quotas;

    @Inject
    SchedulerLock lock;

    /** Stores the quota's value unless a newer one is already stored. */
    @WithTransaction
    public Uni<Void> updated(QuotaUpdated event) {
        if (event.acceleratorType() == null || event.region() == null) {
            // Not a GPU quota (a serverless rate limit, which the data plane enforces).
            return Uni.createFrom().voidItem();
        }
        QuotaEntity.Key key = new QuotaEntity.Key(event.account(), event.acceleratorType(), event.region());
        return lock.acquire().chain(() -> quotas.findById(key)).chain(existing -> {
            if (existing != null && existing.updateTime.isAfter(event.time())) {
                return Uni.createFrom().voidItem();
            }
            QuotaEntity q = existing != null ? existing : new QuotaEntity();
            q.account = event.account();
            q.acceleratorType = event.acceleratorType();
            q.region = event.region();
            q.gpus = event.value();
            q.updateTime = event.time();
            LOG.infof("Quota %s: %d GPU(s)", event.name(), event.value());
            return existing != null ? Uni.createFrom().voidItem() : quotas.persist(q).replaceWithVoid();
        });
    }
}
