package dev.ember.common.event;

import java.time.Instant;

/**
 * A user asked for {@code replicaCount} replicas now ({@code :scale}). The scheduler sets the desired count at once;
 * the autoscaler may move it later by its rules. {@code sequence} rises with every request for the deployment, so a
 * redelivered or older request changes nothing.
 * <p>
 * The event carries the deployment's whole spec because {@code ember.resources} is compacted by deployment name: the
 * newest record of a deployment must still say everything a consumer reading from the start needs.
 */
public record DeploymentScaleRequested(DeploymentSpec deployment, int replicaCount, long sequence, Instant time) {
}
