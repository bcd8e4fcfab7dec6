package dev.ember.common.event;

/** Per-state replica counters, named as in the Fireworks API. */
public record ReplicaStats(
        int pendingSchedulingReplicaCount,
        int downloadingModelReplicaCount,
        int initializingReplicaCount,
        int readyReplicaCount) {
}
