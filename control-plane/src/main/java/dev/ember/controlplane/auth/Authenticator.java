package dev.ember.controlplane.auth;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.controlplane.apikey.service.ApiKeyService;

/** Who an {@code Authorization: Bearer <api key>} header names, for REST and gRPC alike. */
@ApplicationScoped
public class Authenticator {

    @Inject
    ApiKeyService keys;

    /** The caller, or a failure with UNAUTHENTICATED and the reason (missing, unknown, revoked or expired key). */
    public Uni<Caller> authenticate(String authorization) {
        Optional<String> key = ApiKeys.fromAuthorization(authorization);
        if (key.isEmpty()) {
            return Uni.createFrom().failure(new UnauthenticatedException("MISSING_API_KEY",
                    "missing API key: send 'Authorization: Bearer <key>'"));
        }
        return keys.authenticate(key.get());
    }
}
