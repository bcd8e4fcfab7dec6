package dev.ember.common.event;

public record DeploymentCreated(DeploymentSpec deployment) {
}
