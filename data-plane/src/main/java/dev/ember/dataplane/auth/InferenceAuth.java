package dev.ember.dataplane.auth;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.common.error.UnavailableException;
import dev.ember.dataplane.messaging.CatchUp;
import dev.ember.dataplane.messaging.KeyUsageReporter;
import dev.ember.dataplane.routing.KeyCache;

/**
 * Checks a request's Bearer key against the key cache (hashes only). A revoked or expired key is refused with 401
 * and a code saying which ({@code API_KEY_REVOKED}, {@code API_KEY_EXPIRED}); any other, {@code invalid_api_key}.
 */
@ApplicationScoped
public class InferenceAuth {

    @Inject
    KeyCache keys;

    @Inject
    CatchUp catchUp;

    @Inject
    KeyUsageReporter usage;

    @Inject
    Clock clock;

    public KeyCache.Key authenticate(String authorization) {
        if (!catchUp.caughtUp()) {
            throw new UnavailableException("starting", "the data plane is loading keys and deployments; retry shortly",
                    Duration.ofSeconds(1));
        }
        KeyCache.Key found = check(authorization);
        usage.used(found.name());
        return found;
    }

    /**
     * Checks again a key that authenticated a request earlier, as a request held for a replica is before it is
     * served: revoked (its user deleted included) or expired since, it is refused as {@link #authenticate} would.
     */
    public KeyCache.Key recheck(String authorization) {
        return check(authorization);
    }

    private KeyCache.Key check(String authorization) {
        String key = ApiKeys.fromAuthorization(authorization).orElseThrow(() -> new UnauthenticatedException(
                "invalid_api_key", "missing API key: send 'Authorization: Bearer <key>'"));
        String hash = ApiKeys.hash(key);
        KeyCache.Key found = keys.find(hash).orElseThrow(() -> keys.revocation(hash)
                .map(InferenceAuth::revoked)
                .orElseGet(() -> new UnauthenticatedException("invalid_api_key", "the API key is not valid")));
        if (found.expireTime() != null && !found.expireTime().isAfter(clock.instant())) {
            throw new UnauthenticatedException("API_KEY_EXPIRED", "the API key expired at " + found.expireTime());
        }
        return found;
    }

    private static UnauthenticatedException revoked(KeyCache.Revocation r) {
        return new UnauthenticatedException("API_KEY_REVOKED", "the API key " + (r.prefix() == null
                ? ""
                : r.prefix() + "... ") + "was revoked" + (r.revokeTime() == null ? "" : " at " + r.revokeTime())
                + (r.reason() == null || r.reason().isEmpty() ? "" : ": " + r.reason()));
    }
}
