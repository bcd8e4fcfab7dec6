package dev.ember.common.event;

import java.time.Instant;

/**
 * The desired state of a deployment as the control plane stores it. {@code generation} rises on every change;
 * {@code placement} is a region (US_IOWA_1) or a mega-region (GLOBAL, US, EUROPE, APAC).
 * <p>
 * The serving options at the end came with deployment shapes; events written before them read as none (null, 0,
 * false). {@code draftModel}: the draft model of speculative decoding (its weights share the replica's GPUs), or
 * null; {@code draftTokenCount}: tokens proposed per step (0: no speculation); {@code ngramSpeculationLength}: with
 * no draft model, speculate by matching this many previous tokens (0: off); {@code maxContextLength}: 0 for the
 * model's own.
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
        AutoscalingPolicy autoscalingPolicy,
        ModelProfile draftModel,
        int draftTokenCount,
        int ngramSpeculationLength,
        boolean enableAddons,
        int maxContextLength) {

    /** A spec without serving options (no speculation, no addons, the model's context length). */
    public DeploymentSpec(String name, String uid, long generation, String displayName, String baseModel,
            ModelProfile model, String acceleratorType, int acceleratorCount, String precision, int minReplicaCount,
            int maxReplicaCount, String placement, Instant createTime, AutoscalingPolicy autoscalingPolicy) {
        this(name, uid, generation, displayName, baseModel, model, acceleratorType, acceleratorCount, precision,
                minReplicaCount, maxReplicaCount, placement, createTime, autoscalingPolicy, null, 0, 0, false, 0);
    }

    /** The policy in force: the spec's, or the defaults for specs written before policies existed. */
    public AutoscalingPolicy policy() {
        return autoscalingPolicy == null ? AutoscalingPolicy.defaults() : autoscalingPolicy.withDefaults();
    }

    /** The longest prompt plus output a request may have: {@code maxContextLength} when set, else the model's. */
    public int contextLength() {
        return maxContextLength > 0 ? Math.min(maxContextLength, model.contextLength()) : model.contextLength();
    }

    /**
     * The options a replica's server is started with beyond its hardware, as one canonical string (empty when every
     * option is at its default): replicas started with other options must be replaced, like new hardware.
     */
    public String servingOptions() {
        StringBuilder s = new StringBuilder();
        if (draftModel != null) {
            s.append("draftModel=").append(draftModel.name()).append(';');
        }
        if (draftTokenCount > 0) {
            s.append("draftTokenCount=").append(draftTokenCount).append(';');
        }
        if (ngramSpeculationLength > 0) {
            s.append("ngramSpeculationLength=").append(ngramSpeculationLength).append(';');
        }
        if (enableAddons) {
            s.append("enableAddons=true;");
        }
        if (maxContextLength > 0) {
            s.append("maxContextLength=").append(maxContextLength).append(';');
        }
        return s.toString();
    }
}
