package dev.ember.common.event;

import java.time.Instant;

/**
 * The scheduler's view of a deployment. {@code sequence} rises with every report of one deployment so the control
 * plane applies only the newest; {@code observedGeneration} is the spec generation it was computed from.
 * {@code updatedReplicaCount} replicas run the newest hardware and are READY; {@code outdatedReplicaCount} still run
 * an older one (a rollout is under way while it is above zero). {@code failed}: a replica can never be placed with
 * the inventory as configured, and {@code message} says why.
 */
public record DeploymentStatusReported(
        String name,
        String uid,
        long observedGeneration,
        long sequence,
        int desiredReplicaCount,
        int replicaCount,
        ReplicaStats replicaStats,
        String region,
        String message,
        int updatedReplicaCount,
        int outdatedReplicaCount,
        boolean failed,
        Instant time) {
}
