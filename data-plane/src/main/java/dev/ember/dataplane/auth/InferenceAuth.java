package dev.ember.dataplane.auth;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.common.error.UnavailableException;
import dev.ember.dataplane.messaging.CatchUp;
import dev.ember.dataplane.routing.KeyCache;

/** Checks a request's Bearer key against the key cache (hashes only). */
@ApplicationScoped
public class InferenceAuth {

    @Inject
    KeyCache keys;

    @Inject
    CatchUp catchUp;

    @Inject
    Clock clock;

    public KeyCache.Key authenticate(String authorization) {
        if (!catchUp.caughtUp()) {
            throw new UnavailableException("starting", "the data plane is loading keys and deployments; retry shortly",
                    Duration.ofSeconds(1));
        }
        String key = ApiKeys.fromAuthorization(authorization).orElseThrow(() -> new UnauthenticatedException(
                "invalid_api_key", "missing API key: send 'Authorization: Bearer <key>'"));
        KeyCache.Key found = keys.find(ApiKeys.hash(key)).orElseThrow(() -> new UnauthenticatedException(
                "invalid_api_key", "the API key is not valid (unknown, revoked or expired)"));
        if (found.expireTime() != null && !found.expireTime().isAfter(clock.instant())) {
            throw new UnauthenticatedException("invalid_api_key", "the API key has expired");
        }
        return found;
    }
}
