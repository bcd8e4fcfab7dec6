package dev.ember.controlplane.apikey.api;

/** Fireworks' {@code GatewayCreateApiKeyBody}: {@code {"apiKey": {"displayName": ..., "expireTime": ...}}}. */
public record CreateApiKeyRequest(ApiKey apiKey) {
}
