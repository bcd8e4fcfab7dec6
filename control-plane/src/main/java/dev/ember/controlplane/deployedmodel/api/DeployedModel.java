package dev.ember.controlplane.deployedmodel.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A LoRA addon loaded onto a deployment, as Fireworks' {@code gatewayDeployedModel}. On input, output-only fields
 * (name, times, state, status) are ignored. {@code serverless} is always false: Ember's deployments are the account's
 * own, and serverless LoRA hosting is not offered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeployedModel(
        String name,
        String displayName,
        String description,
        Instant createTime,
        String model,
        String deployment,
        @JsonProperty("default") Boolean isDefault,
        String state,
        Boolean serverless,
        Status status,
        @JsonProperty("public") Boolean isPublic,
        Instant updateTime) {

    /** google.rpc.Status-like detail of the load or unload. */
    public record Status(String code, String message) {
    }
}
