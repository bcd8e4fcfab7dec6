package dev.ember.controlplane.apikey.api;

/** Fireworks' {@code GatewayDeleteApiKeyBody}: {@code {"keyId": ...}}. */
public record DeleteApiKeyRequest(String keyId) {
}
