package dev.ember.scheduler.reconcile;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventCodec;
import dev.ember.common.hardware.Precision;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.SchedulerRepositories;

/** Keeps the scheduler's copy of deployment specs, from the control plane's events. Idempotent. */
@ApplicationScoped
public class DeploymentSpecs {

    private static final Logger LOG = Logger.getLogger(DeploymentSpecs.class);

    @Inject
    SchedulerRepositories.Deployments deployments;

    @Inject
    Clock clock;

    /** Records a new deployment; a redelivered event for a known one changes nothing. */
    @WithTransaction
    public Uni<Void> created(DeploymentSpec spec) {
        return deployments.findById(spec.name()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            DeploymentEntity d = new DeploymentEntity();
            d.name = spec.name();
            d.uid = spec.uid();
            d.generation = spec.generation();
            d.baseModel = spec.baseModel();
            d.weightBytes = Precision.find(spec.precision()).orElse(Precision.FP16)
                    .weightBytes(spec.model().parameterCount());
            d.acceleratorType = spec.acceleratorType();
            d.acceleratorCount = spec.acceleratorCount();
            d.placement = spec.placement();
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
            d.scalingReason = "";
            d.lastStatus = "";
            d.createTime = now;
            d.updateTime = now;
            LOG.infof("Deployment %s: %d replica(s) of %d x %s wanted", d.name, d.desiredReplicas,
                    d.acceleratorCount, d.acceleratorType);
            return deployments.persist(d).replaceWithVoid();
        });
    }

    /** A new deployment starts with one replica (or min, if larger) so it can be tried at once, within max. */
    static int initialReplicas(DeploymentSpec spec) {
        return Math.min(spec.maxReplicaCount(), Math.max(spec.minReplicaCount(), 1));
    }
}
