package dev.ember.controlplane.auth;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.controlplane.apikey.persistence.ApiKeyRepository;

/** Who an {@code Authorization: Bearer <api key>} header names, for REST and gRPC alike. */
@ApplicationScoped
public class Authenticator {

    @Inject
    ApiKeyRepository keys;

    @Inject
    Clock clock;

    /** The caller, or a failure with UNAUTHENTICATED and the reason. */
    public Uni<Caller> authenticate(String authorization) {
        Optional<String> key = ApiKeys.fromAuthorization(authorization);
        if (key.isEmpty()) {
            return Uni.createFrom().failure(new UnauthenticatedException("MISSING_API_KEY",
                    "missing API key: send 'Authorization: Bearer <key>'"));
        }
        return Panache.withSession(() -> keys.findByHash(ApiKeys.hash(key.get()))).map(found -> {
            if (found == null || (found.expireTime != null && !found.expireTime.isAfter(clock.instant()))) {
                throw new UnauthenticatedException("INVALID_API_KEY",
                        "the API key is not valid (unknown, revoked or expired)");
            }
            return new Caller(found.accountId, found.userId, found.role, found.platformAdmin);
        });
    }
}
