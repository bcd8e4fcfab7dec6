package dev.ember.common.event;

import java.time.Instant;

/**
 * An API key was revoked (deleted by a user, or with its user): from now on it authenticates nothing. Keyed by the
 * key's name like {@link ApiKeyCreated}, so on the compacted topic it replaces the creation and a data plane that
 * rebuilds its key cache never learns the key at all. {@code keyHash} is the SHA-256 of the secret.
 */
public record ApiKeyRevoked(
        String name,
        String account,
        String user,
        String keyHash,
        String prefix,
        Instant revokeTime,
        String reason) {
}
