package dev.ember.controlplane.auth;

import java.time.Clock;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.controlplane.apikey.persistence.ApiKeyRepository;
import dev.ember.controlplane.error.ErrorMappers;

/** Every {@code /v1} request carries {@code Authorization: Bearer <api key>}; the key's hash names the caller. */
public class ApiKeyAuthentication {

    @Inject
    ApiKeyRepository keys;

    @Inject
    CurrentCaller current;

    @Inject
    Clock clock;

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/v1/")) {
            return Uni.createFrom().nullItem();
        }
        Optional<String> key = ApiKeys.fromAuthorization(request.getHeaderString("Authorization"));
        if (key.isEmpty()) {
            return Uni.createFrom().item(ErrorMappers.respond(new UnauthenticatedException("MISSING_API_KEY",
                    "missing API key: send 'Authorization: Bearer <key>'")));
        }
        return Panache.withSession(() -> keys.findByHash(ApiKeys.hash(key.get()))).map(found -> {
            if (found == null || (found.expireTime != null && !found.expireTime.isAfter(clock.instant()))) {
                return ErrorMappers.respond(new UnauthenticatedException("INVALID_API_KEY",
                        "the API key is not valid (unknown, revoked or expired)"));
            }
            current.set(new Caller(found.accountId, found.userId, found.role, found.platformAdmin));
            return null;
        });
    }
}
