package dev.ember.controlplane.apikey.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An API key as Fireworks' {@code gatewayApiKey}. {@code key}, the secret, is in the create response only: Ember
 * keeps its SHA-256 and {@code prefix}, never the secret itself ({@code secure} is always true). On input only
 * {@code displayName} and {@code expireTime} are read; the other fields are output-only and ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiKey(
        String keyId,
        String displayName,
        String key,
        Instant createTime,
        Boolean secure,
        String email,
        String prefix,
        Instant expireTime,
        Instant lastUsed) {
}
