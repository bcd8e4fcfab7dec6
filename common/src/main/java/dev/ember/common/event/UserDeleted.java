package dev.ember.common.event;

import java.time.Instant;
import java.util.List;

/**
 * A user was deleted, and with it every API key it had; {@code revokedKeys} names them (each also has its own
 * {@link ApiKeyRevoked}). A consumer removes exactly those keys, never "every key of this user ID", so a user created
 * again under the same ID keeps its new keys whatever order the two partitions are read in.
 */
public record UserDeleted(String name, String account, String user, List<String> revokedKeys, Instant deleteTime) {

    public UserDeleted {
        revokedKeys = revokedKeys == null ? List.of() : List.copyOf(revokedKeys);
    }
}
