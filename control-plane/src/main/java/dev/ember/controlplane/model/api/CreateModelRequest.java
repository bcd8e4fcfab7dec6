package dev.ember.controlplane.model.api;

/** Fireworks' {@code GatewayCreateModelBody}: the new model's ID and properties; BYOC {@code cluster} must be empty. */
public record CreateModelRequest(String modelId, Model model, String cluster) {
}
