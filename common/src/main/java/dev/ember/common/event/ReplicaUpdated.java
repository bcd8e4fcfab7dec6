package dev.ember.common.event;

import java.time.Instant;

/**
 * A replica's lifecycle step: PENDING_SCHEDULING, DOWNLOADING_MODEL, INITIALIZING, READY, DRAINING, TERMINATED.
 * {@code sequence} rises with every step of one replica so consumers drop stale copies.
 */
public record ReplicaUpdated(
        String name,
        String deployment,
        String deploymentUid,
        long sequence,
        String state,
        String region,
        String node,
        String acceleratorType,
        int acceleratorCount,
        String message,
        Instant time) {
}
