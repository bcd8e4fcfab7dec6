package dev.ember.scheduler.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.EventCodec;
import dev.ember.common.event.ScalingSchedule;
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

    /**
     * Applies a newer spec of a live deployment. New bounds and policy apply from the next tick (desired is clamped
     * to the new bounds); new hardware (model, accelerator, precision) or serving options start a rolling replacement. An event for
     * another uid, or not newer than what is stored, changes nothing.
     */
    @WithTransaction
    public Uni<Void> updated(DeploymentSpec spec) {
        return lock.acquire().chain(() -> deployments.findById(spec.name()).invoke(d -> {
            if (d == null || !d.uid.equals(spec.uid()) || d.deleted || spec.generation() <= d.generation) {
                return;
            }
            applyNewer(d, spec, clock.instant());
        })).replaceWithVoid();
    }

    /**
     * A newer spec of a live deployment: new hardware or serving options (speculative decoding, addons, context
     * length) start a rolling replacement; desired replicas are clamped to the new bounds.
     */
    private static void applyNewer(DeploymentEntity d, DeploymentSpec spec, Instant now) {
        boolean newHardware = !d.baseModel.equals(spec.baseModel())
                || !d.acceleratorType.equals(spec.acceleratorType())
                || d.acceleratorCount != spec.acceleratorCount()
                || !Objects.equals(d.precision, spec.precision())
                || !Objects.equals(d.servingOptions == null ? "" : d.servingOptions, spec.servingOptions());
        applySpec(d, spec, now);
        if (newHardware) {
            d.replicaGeneration = spec.generation();
            LOG.infof("Deployment %s: generation %d runs %d x %s (%s%s); replacing replicas one at a time",
                    d.name, d.generation, d.acceleratorCount, d.acceleratorType, d.precision,
                    d.servingOptions.isEmpty() ? "" : ", " + d.servingOptions);
        }
        int clamped = Math.max(Math.min(d.desiredReplicas, d.maxReplicas), d.desiredReplicas == 0
                ? 0
                : d.minReplicas);
        if (clamped != d.desiredReplicas) {
            d.scalingReason = "replica bounds changed to " + d.minReplicas + ".." + d.maxReplicas;
            d.desiredReplicas = clamped;
        }
        d.aboveSince = null;
        d.belowSince = null;
    }

    /**
     * A user's :scale request: desired replicas become its count at once (within the bounds of the newest spec it
     * carries), and the autoscaler goes on from there by its rules. A count above zero counts as traffic, like a
     * wake-up, so an idle deployment is not scaled straight back to zero; zero makes it idle until a request arrives.
     * A request for another uid, for a deleted deployment, or not newer than the last one applied changes nothing.
     */
    @WithTransaction
    public Uni<Void> scaleRequested(DeploymentScaleRequested request) {
        DeploymentSpec spec = request.deployment();
        return lock.acquire().chain(() -> deployments.findById(spec.name()).invoke(d -> {
            if (d == null || !d.uid.equals(spec.uid()) || d.deleted || request.sequence() <= d.scaleSequence) {
                return;
            }
            Instant now = clock.instant();
            if (spec.generation() > d.generation) {
                applyNewer(d, spec, now);
            }
            int wanted = Math.max(d.minReplicas, Math.min(d.maxReplicas, request.replicaCount()));
            d.scaleSequence = request.sequence();
            d.aboveSince = null;
            d.belowSince = null;
            if (wanted == 0) {
                d.manualZeroAt = now;
            } else {
                d.manualZeroAt = null;
                if (d.lastRequestTime == null || d.lastRequestTime.isBefore(now)) {
                    d.lastRequestTime = now;
                }
            }
            if (wanted != d.desiredReplicas) {
                LOG.infof("Deployment %s: %d -> %d replica(s): scale request %d", d.name, d.desiredReplicas, wanted,
                        request.sequence());
                d.desiredReplicas = wanted;
            }
            d.scalingReason = "scaled to " + wanted + " replica(s) by request";
            d.updateTime = now;
        })).replaceWithVoid();
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

    /** A deployment as if just created from {@code spec}. */
    private static void apply(DeploymentEntity d, DeploymentSpec spec, Instant now) {
        d.name = spec.name();
        d.uid = spec.uid();
        d.placement = spec.placement();
        d.pinnedRegion = null;
        applySpec(d, spec, now);
        d.replicaGeneration = spec.generation();
        d.desiredReplicas = initialReplicas(spec);
        // A new deployment counts as just used: it is not scaled to zero before a full window has passed.
        d.lastRequestTime = now;
        d.aboveSince = null;
        d.belowSince = null;
        d.deleted = false;
        d.deletionRequestedAt = null;
        d.manualZeroAt = null;
        d.scalingReason = "";
        if (d.lastStatus == null) {
            d.lastStatus = "";
        }
    }

    /** The spec's hardware, bounds and policy; placement never changes after create. */
    private static void applySpec(DeploymentEntity d, DeploymentSpec spec, Instant now) {
        d.generation = spec.generation();
        d.baseModel = spec.baseModel();
        d.precision = spec.precision();
        // A draft model's weights are downloaded and loaded with the base model's, at the same precision.
        Precision precision = Precision.find(spec.precision()).orElse(Precision.FP16);
        d.weightBytes = precision.weightBytes(spec.model().parameterCount())
                + (spec.draftModel() == null ? 0 : precision.weightBytes(spec.draftModel().parameterCount()));
        d.servingOptions = spec.servingOptions();
        d.acceleratorType = spec.acceleratorType();
        d.acceleratorCount = spec.acceleratorCount();
        AutoscalingPolicy policy = spec.policy();
        d.minReplicas = spec.minReplicaCount();
        d.maxReplicas = spec.maxReplicaCount();
        d.scaleUpWindowMs = policy.scaleUpWindow().toMillis();
        d.scaleDownWindowMs = policy.scaleDownWindow().toMillis();
        d.scaleToZeroWindowMs = policy.scaleToZeroWindow().toMillis();
        d.loadTargets = EventCodec.toJson(policy.loadTargets());
        d.scalingSchedules = ScalingSchedule.toJson(policy.scalingSchedules());
        d.updateTime = now;
    }

    /** A new deployment starts with one replica (or min, if larger) so it can be tried at once, within max. */
    static int initialReplicas(DeploymentSpec spec) {
        return Math.min(spec.maxReplicaCount(), Math.max(spec.minReplicaCount(), 1));
    }
}
