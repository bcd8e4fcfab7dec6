package dev.ember.controlplane.usage.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fireworks' {@code gatewayAccountUsage}: daily buckets of serverless tokens and of dedicated accelerator time. int64
 * counts are strings as protobuf JSON writes them. {@code cost} (USD, from the configured price list) is Ember's
 * addition.
 */
public record AccountUsage(List<ServerlessUsage> serverlessCosts, List<DedicatedUsage> dedicatedCosts) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServerlessUsage(String modelName, String promptTokens, String completionTokens, Instant startTime,
            Instant endTime, String usageType, String apiKeyId, Map<String, String> group, String cost) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DedicatedUsage(String deploymentId, String acceleratorType, String acceleratorSeconds,
            Instant startTime, Instant endTime, String baseModel, String usageType, String placement,
            Map<String, String> group, String cost) {
    }
}
