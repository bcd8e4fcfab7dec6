package dev.ember.controlplane.shape.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A deployment shape as Fireworks' {@code gatewayDeploymentShape}: a base model's preset hardware, precision and
 * serving options. A shape shows its latest version; a version's {@code snapshot} shows that version. Unset options
 * are left out ({@code parameterCount} is an int64, so a string, as protobuf's JSON writes it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentShape(
        String name,
        String displayName,
        String description,
        Instant createTime,
        Instant updateTime,
        String baseModel,
        String modelType,
        String parameterCount,
        Integer acceleratorCount,
        String acceleratorType,
        String precision,
        Boolean enableAddons,
        Integer draftTokenCount,
        String draftModel,
        Integer ngramSpeculationLength,
        Integer maxContextLength,
        String presetType) {
}
