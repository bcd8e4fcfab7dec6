package dev.ember.common.event;

/**
 * A deployment's spec changed ({@code generation} rose). When what a replica runs changed (model, accelerator,
 * precision) the scheduler replaces the replicas one at a time; otherwise it applies the new bounds and policy.
 */
public record DeploymentUpdated(DeploymentSpec deployment) {
}
