package dev.ember.controlplane.deployment.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.ember.common.event.ReplicaStats;

/**
 * A deployment as the API shows it, with Fireworks' field names. On input, output-only fields (name, times including
 * {@code deleteTime} and {@code purgeTime}, state, status, replica counts, region) are ignored.
 * <p>
 * {@code deploymentShape} on input names a shape, a shape version or a preset ({@code fast}, {@code throughput},
 * {@code minimal}); the deployment shows the shape version it resolved to. Serving options left unset are left out
 * (speculation off, addons off, the model's context length).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Deployment(
        String name,
        String displayName,
        String description,
        Instant createTime,
        Instant updateTime,
        Instant deleteTime,
        Instant purgeTime,
        String state,
        Status status,
        Integer minReplicaCount,
        Integer maxReplicaCount,
        Integer desiredReplicaCount,
        Integer replicaCount,
        AutoscalingPolicy autoscalingPolicy,
        String baseModel,
        Integer acceleratorCount,
        String acceleratorType,
        String precision,
        Placement placement,
        String region,
        ReplicaStats replicaStats,
        Boolean enableAddons,
        Integer draftTokenCount,
        String draftModel,
        Integer ngramSpeculationLength,
        Integer maxContextLength,
        String deploymentShape) {

    /** google.rpc.Status-like detail of the latest operation. */
    public record Status(String code, String message) {
    }

    /**
     * When to scale, as Fireworks' {@code gatewayAutoscalingPolicy}: windows are protobuf JSON durations ("30s",
     * "600s"); {@code scalingSchedules} are named cron windows that raise the minimum.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AutoscalingPolicy(
            String scaleUpWindow,
            String scaleDownWindow,
            String scaleToZeroWindow,
            Map<String, Double> loadTargets,
            Map<String, ScalingSchedule> scalingSchedules) {
    }

    /** Fireworks' {@code gatewayScalingSchedule}: from each {@code schedule} fire, {@code duration} at the minimum. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScalingSchedule(
            Integer minReplicaCount,
            String schedule,
            String duration,
            String timezone,
            String description,
            Boolean disabled) {
    }

    /** Where replicas may run: one region, or a mega-region (GLOBAL, US, EUROPE, APAC). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Placement(String region, String multiRegion) {
    }
}
