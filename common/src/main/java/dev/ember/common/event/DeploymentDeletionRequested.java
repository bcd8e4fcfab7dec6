package dev.ember.common.event;

import java.time.Instant;

/**
 * The scheduler asks the control plane to soft-delete a deployment, e.g. one with min replicas 0 that had no traffic
 * for seven days. The control plane owns the deployment, so it makes the deletion (and its event).
 */
public record DeploymentDeletionRequested(String name, String uid, String reason, Instant time) {
}
