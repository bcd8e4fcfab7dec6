package dev.ember.scheduler.reconcile;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.EventCodec;
import dev.ember.common.hardware.Precision;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.SchedulerLock;
import dev.ember.scheduler.persistence.SchedulerRepositories;

/** Keeps the scheduler's copy of deployment specs, from the control plane's events. Idempotent. */
@ApplicationScoped
public class DeploymentSpecs {

    private static final Logger LOG = Logger.getLogger(DeploymentSpecs.class);

    @Inject
    SchedulerRepositories.Deployments deployments;

    @Inject
    SchedulerLock lock;

    @Inject
    Clock clock;

    /** Records a new deployment; a redelivered event for a known one changes nothing. */
    @WithTransaction
    public Uni<Void> created(DeploymentSpec spec) {
        return lock.acquire().chain(() -> deployments.findById(spec.name()).chain(existing -> {
            if (existing != null && (existing.uid.equals(spec.uid()) || !existing.deleted)) {
                return Uni.createFrom().voidItem();
            }
            // New, or the same name created again after the old deployment was deleted.
            DeploymentEntity d = existing != null ? existing : new DeploymentEntity();
            apply(d, spec, clock.instant());
            d.createTime = d.updateTime;
            LOG.infof("Deployment %s: %d replica(s) of %d x %s wanted", d.name, d.desiredReplicas,
                    d.acceleratorCount, d.acceleratorType);
            return existing != null ? Uni.createFrom().voidItem() : deployments.persist(d).replaceWithVoid();
        }));
    }

    /** Stops a deployment: its replicas drain and it is never scaled again. Idempotent. */
    @WithTransaction
    public Uni<Void> deleted(DeploymentDeleted event) {
        return lock.acquire().chain(() -> deployments.findById(event.name()).invoke(d -> {
            if (d == null || !d.uid.equals(event.uid()) || d.deleted) {
                return;
            }
            d.deleted = true;
            d.desiredReplicas = 0;
            d.scalingReason = "deleted" + (event.reason() == null || event.reason().isEmpty()
                    ? ""
                    : ": " + event.reason());
            d.updateTime = clock.instant();
            LOG.infof("Deployment %s deleted; draining its replicas", d.name);
        })).replaceWithVoid();
    }

    /** Brings a soft-deleted deployment back as if just created. */
    @WithTransaction
    public Uni<Void> undeleted(DeploymentUndeleted event) {
        DeploymentSpec spec = event.deployment();
        return lock.acquire().chain(() -> deployments.findById(spec.name()).chain(d -> {
            if (d == null) {
                DeploymentEntity fresh = new DeploymentEntity();
                apply(fresh, spec, clock.instant());
                fresh.createTime = fresh.updateTime;
                return deployments.persist(fresh).replaceWithVoid();
            }
            if (d.deleted && d.uid.equals(spec.uid())) {
                apply(d, spec, clock.instant());
                LOG.infof("Deployment %s undeleted: %d replica(s) wanted", d.name, d.desiredReplicas);
            } else {
                LOG.infof("Deployment %s: undelete ignored (deleted=%s, uid %s vs %s)", d.name, d.deleted, d.uid,
                        spec.uid());
            }
            return Uni.createFrom().voidItem();
        }));
    }

    private static void apply(DeploymentEntity d, DeploymentSpec spec, Instant now) {
        d.name = spec.name();
        d.uid = spec.uid();
        d.generation = spec.generation();
        d.baseModel = spec.baseModel();
        d.weightBytes = Precision.find(spec.precision()).orElse(Precision.FP16)
                .weightBytes(spec.model().parameterCount());
        d.acceleratorType = spec.acceleratorType();
        d.acceleratorCount = spec.acceleratorCount();
        d.placement = spec.placement();
        d.pinnedRegion = null;
        d.desiredReplicas = initialReplicas(spec);
        AutoscalingPolicy policy = spec.policy();
        d.minReplicas = spec.minReplicaCount();
        d.maxReplicas = spec.maxReplicaCount();
        d.scaleUpWindowMs = policy.scaleUpWindow().toMillis();
        d.scaleDownWindowMs = policy.scaleDownWindow().toMillis();
        d.scaleToZeroWindowMs = policy.scaleToZeroWindow().toMillis();
        d.loadTargets = EventCodec.toJson(policy.loadTargets());
        // A new deployment counts as just used: it is not scaled to zero before a full window has passed.
        d.lastRequestTime = now;
        d.aboveSince = null;
        d.belowSince = null;
        d.deleted = false;
        d.deletionRequestedAt = null;
        d.scalingReason = "";
        if (d.lastStatus == null) {
            d.lastStatus = "";
        }
        d.updateTime = now;
    }

    /** A new deployment starts with one replica (or min, if larger) so it can be tried at once, within max. */
    static int initialReplicas(DeploymentSpec spec) {
        return Math.min(spec.maxReplicaCount(), Math.max(spec.minReplicaCount(), 1));
    }
}
