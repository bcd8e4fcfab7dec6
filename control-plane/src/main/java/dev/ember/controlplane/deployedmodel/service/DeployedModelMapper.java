package dev.ember.controlplane.deployedmodel.service;

import dev.ember.common.event.DeployedModelSpec;
import dev.ember.controlplane.deployedmodel.api.DeployedModel;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelEntity;

/** Entity to API record and to event payload; entities never leave the service layer. */
final class DeployedModelMapper {

    private DeployedModelMapper() {
    }

    static DeployedModel toApi(DeployedModelEntity e) {
        return new DeployedModel(e.name().toString(), e.displayName, e.description, e.createTime, e.model,
                e.deployment().toString(), e.defaultTarget, e.state, false,
                new DeployedModel.Status(e.statusCode, e.statusMessage), false, e.updateTime);
    }

    static DeployedModelSpec spec(DeployedModelEntity e, Integer loraRank) {
        return new DeployedModelSpec(e.name().toString(), e.uid, e.generation, e.model, e.baseModel,
                e.deployment().toString(), e.deploymentUid, e.defaultTarget, e.state, loraRank, e.createTime,
                e.updateTime);
    }
}
