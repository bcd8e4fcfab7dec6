package dev.ember.controlplane.deployment.service;

import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaStats;
import dev.ember.common.hardware.Region;
import dev.ember.controlplane.deployment.api.Deployment;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;

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
                e.state,
                new Deployment.Status(e.statusCode, e.statusMessage),
                e.minReplicaCount,
                e.maxReplicaCount,
                e.desiredReplicaCount,
                e.replicaCount,
                e.baseModel,
                e.acceleratorCount,
                e.acceleratorType,
                e.precision,
                new Deployment.Placement(region ? e.placement : null, region ? null : e.placement),
                e.currentRegion,
                new ReplicaStats(e.pendingReplicas, e.downloadingReplicas, e.initializingReplicas, e.readyReplicas));
    }

    static DeploymentSpec spec(DeploymentEntity e, ModelProfile model) {
        return new DeploymentSpec(e.name().toString(), e.uid, e.generation, e.displayName, e.baseModel, model,
                e.acceleratorType, e.acceleratorCount, e.precision, e.minReplicaCount, e.maxReplicaCount, e.placement,
                e.createTime);
    }
}
