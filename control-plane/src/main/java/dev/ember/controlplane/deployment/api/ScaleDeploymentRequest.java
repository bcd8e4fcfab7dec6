package dev.ember.controlplane.deployment.api;

/** The body of {@code :scale}, Fireworks' {@code GatewayScaleDeploymentBody}: the replicas wanted now. */
public record ScaleDeploymentRequest(Integer replicaCount) {
}
