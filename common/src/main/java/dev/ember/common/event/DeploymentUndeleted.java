package dev.ember.common.event;

/** A soft-deleted deployment was restored: it comes back with this spec, as if just created. */
public record DeploymentUndeleted(DeploymentSpec deployment) {
}
