package dev.ember.dataplane.routing;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ember.common.event.ApiKeyCreated;

/** API keys by SHA-256, rebuilt from the control plane's key events; the data plane never sees a secret. */
@ApplicationScoped
public class KeyCache {

    public record Key(String name, String account, String user, String role, Instant expireTime) {
    }

    private final Map<String, Key> byHash = new ConcurrentHashMap<>();

    public void created(ApiKeyCreated event) {
        byHash.put(event.keyHash(),
                new Key(event.name(), event.account(), event.user(), event.role(), event.expireTime()));
    }

    public Optional<Key> find(String keyHash) {
        return Optional.ofNullable(byHash.get(keyHash));
    }
}
