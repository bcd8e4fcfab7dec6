package dev.ember.common.event;

import java.time.Instant;

/**
 * The scheduler's view of a deployment. {@code sequence} rises with every report of one deployment so the control
 * plane applies only the newest; {@code observedGeneration} is the spec generation it was computed from.
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
        Instant time) {
}
