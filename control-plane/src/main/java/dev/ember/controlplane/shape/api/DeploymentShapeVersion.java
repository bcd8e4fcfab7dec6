package dev.ember.controlplane.shape.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An immutable version of a deployment shape, as Fireworks' {@code gatewayDeploymentShapeVersion}. Exactly one
 * version of a shape is {@code latestValidated}: the one a deployment naming the shape gets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeploymentShapeVersion(
        String name,
        Instant createTime,
        DeploymentShape snapshot,
        boolean validated,
        @JsonProperty("public") boolean publicVersion,
        boolean latestValidated) {
}
