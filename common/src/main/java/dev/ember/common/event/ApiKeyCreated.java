package dev.ember.common.event;

import java.time.Instant;

/** A new API key. Only the SHA-256 of the secret travels; {@code role} is the owning user's. */
public record ApiKeyCreated(
        String name,
        String account,
        String user,
        String role,
        String keyHash,
        String prefix,
        Instant expireTime,
        Instant createTime) {
}
