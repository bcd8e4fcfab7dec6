package dev.ember.common.event;

import java.time.Instant;

/**
 * The desired state of a deployment as the control plane stores it. {@code generation} rises on every change;
 * {@code placement} is a region (US_IOWA_1) or a mega-region (GLOBAL, US, EUROPE, APAC).
 */
public record DeploymentSpec(
        String name,
        String uid,
        long generation,
        String displayName,
        String baseModel,
        ModelProfile model,
        String acceleratorType,
        int acceleratorCount,
        String precision,
        int minReplicaCount,
        int maxReplicaCount,
        String placement,
        Instant createTime,
        AutoscalingPolicy autoscalingPolicy) {

    /** The policy in force: the spec's, or the defaults for specs written before policies existed. */
    public AutoscalingPolicy policy() {
        return autoscalingPolicy == null ? AutoscalingPolicy.defaults() : autoscalingPolicy.withDefaults();
    }
}
