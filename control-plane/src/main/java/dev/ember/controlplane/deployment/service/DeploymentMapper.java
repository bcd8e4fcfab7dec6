package dev.ember.controlplane.deployment.service;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaStats;
import dev.ember.common.event.ScalingSchedule;
import dev.ember.common.hardware.Region;
import dev.ember.controlplane.deployment.api.Deployment;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.web.ProtoDurations;

/** Entity to API record and to event payload; entities never leave the service layer. */
final class DeploymentMapper {

    private DeploymentMapper() {
    }

    static Deployment toApi(DeploymentEntity e) {
        boolean region = Region.find(e.placement).isPresent();
        return new Deployment(
                e.name().toString(),
                e.displayName,
                e.description,
                e.createTime,
                e.updateTime,
                e.deleteTime,
                e.purgeTime,
                e.state,
                new Deployment.Status(e.statusCode, e.statusMessage),
                e.minReplicaCount,
                e.maxReplicaCount,
                e.desiredReplicaCount,
                e.replicaCount,
                toApi(policy(e)),
                e.baseModel,
                e.acceleratorCount,
                e.acceleratorType,
                e.precision,
                new Deployment.Placement(region ? e.placement : null, region ? null : e.placement),
                e.currentRegion,
                new ReplicaStats(e.pendingReplicas, e.downloadingReplicas, e.initializingReplicas, e.readyReplicas),
                e.enableAddons ? Boolean.TRUE : null,
                e.draftTokenCount > 0 ? e.draftTokenCount : null,
                e.draftModel,
                e.ngramSpeculationLength > 0 ? e.ngramSpeculationLength : null,
                e.maxContextLength > 0 ? e.maxContextLength : null,
                e.deploymentShape);
    }

    /** {@code draft}: the profile of the deployment's draft model, null without one. */
    static DeploymentSpec spec(DeploymentEntity e, ModelProfile model, ModelProfile draft) {
        return new DeploymentSpec(e.name().toString(), e.uid, e.generation, e.displayName, e.baseModel, model,
                e.acceleratorType, e.acceleratorCount, e.precision, e.minReplicaCount, e.maxReplicaCount, e.placement,
                e.createTime, policy(e), draft, e.draftTokenCount, e.ngramSpeculationLength, e.enableAddons,
                e.maxContextLength);
    }

    private static AutoscalingPolicy policy(DeploymentEntity e) {
        return new AutoscalingPolicy(Duration.ofMillis(e.scaleUpWindowMs), Duration.ofMillis(e.scaleDownWindowMs),
                Duration.ofMillis(e.scaleToZeroWindowMs), e.loadTargets == null ? null : Map.copyOf(e.loadTargets),
                ScalingSchedule.fromJson(e.scalingSchedules)).withDefaults();
    }

    private static Deployment.AutoscalingPolicy toApi(AutoscalingPolicy p) {
        // Sorted so the same policy always prints the same JSON.
        return new Deployment.AutoscalingPolicy(ProtoDurations.format(p.scaleUpWindow()),
                ProtoDurations.format(p.scaleDownWindow()), ProtoDurations.format(p.scaleToZeroWindow()),
                new TreeMap<>(p.loadTargets()), p.scalingSchedules().isEmpty() ? null : toApi(p.scalingSchedules()));
    }

    private static Map<String, Deployment.ScalingSchedule> toApi(Map<String, ScalingSchedule> schedules) {
        Map<String, Deployment.ScalingSchedule> api = new TreeMap<>();
        schedules.forEach((name, s) -> api.put(name, new Deployment.ScalingSchedule(s.minReplicaCount(),
                s.schedule(), ProtoDurations.format(s.duration()), s.timezone(),
                s.description().isEmpty() ? null : s.description(), s.disabled() ? Boolean.TRUE : null)));
        return api;
    }
}
