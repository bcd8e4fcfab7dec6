package dev.ember.dataplane.routing;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyRevoked;
import dev.ember.common.event.UserDeleted;

/**
 * API keys by SHA-256, rebuilt from the control plane's key events; the data plane never sees a secret. A revoked
 * key is removed at once and remembered by name and hash, so a request with it is told it was revoked, and a
 * creation event of the same key read late (another partition, a redelivery) cannot bring it back.
 */
@ApplicationScoped
public class KeyCache {

    public record Key(String name, String account, String user, String role, Instant expireTime) {
    }

    /** Why a key no longer authenticates. */
    public record Revocation(String name, String prefix, Instant revokeTime, String reason) {
    }

    private final Map<String, Key> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> hashByName = new ConcurrentHashMap<>();
    private final Map<String, Revocation> revokedByHash = new ConcurrentHashMap<>();
    private final Set<String> revokedNames = ConcurrentHashMap.newKeySet();

    public void created(ApiKeyCreated event) {
        if (revokedNames.contains(event.name())) {
            return;
        }
        hashByName.put(event.name(), event.keyHash());
        byHash.put(event.keyHash(),
                new Key(event.name(), event.account(), event.user(), event.role(), event.expireTime()));
        // A revocation for this name may have been applied between the check and the put.
        if (revokedNames.contains(event.name())) {
            byHash.remove(event.keyHash());
        }
    }

    public void revoked(ApiKeyRevoked event) {
        revoke(event.name(), event.keyHash(), new Revocation(event.name(), event.prefix(), event.revokeTime(),
                event.reason()));
    }

    /** Removes exactly the keys the event names; a key created later for a user of the same ID stays. */
    public void userDeleted(UserDeleted event) {
        for (String name : event.revokedKeys()) {
            revoke(name, hashByName.get(name), new Revocation(name, null, event.deleteTime(),
                    "user '" + event.name() + "' was deleted"));
        }
    }

    public Optional<Key> find(String keyHash) {
        return Optional.ofNullable(byHash.get(keyHash));
    }

    /** Why the key with this hash was revoked, if it was. */
    public Optional<Revocation> revocation(String keyHash) {
        return Optional.ofNullable(revokedByHash.get(keyHash));
    }

    private void revoke(String name, String keyHash, Revocation revocation) {
        revokedNames.add(name);
        if (keyHash == null) {
            return;
        }
        byHash.remove(keyHash);
        revokedByHash.putIfAbsent(keyHash, revocation);
    }
}
