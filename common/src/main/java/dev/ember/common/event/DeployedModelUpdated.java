package dev.ember.common.event;

/** A deployed model was created or changed state (DEPLOYING, DEPLOYED, UNDEPLOYING) or default. */
public record DeployedModelUpdated(DeployedModelSpec deployedModel) {
}
