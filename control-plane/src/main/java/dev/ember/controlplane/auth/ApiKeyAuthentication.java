package dev.ember.controlplane.auth;

import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.controlplane.apikey.service.ApiKeyService;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.error.ErrorMappers;

/**
 * Every {@code /v1} request carries {@code Authorization: Bearer <api key>}; the key's hash names the caller. An
 * unknown, revoked or expired key is refused with 401 and a reason saying which.
 */
public class ApiKeyAuthentication {

    @Inject
    ApiKeyService keys;

    @Inject
    CurrentCaller current;

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
        return keys.authenticate(key.get())
                .map(caller -> {
                    current.set(caller);
                    return (Response) null;
                })
                .onFailure(f -> EmberExceptions.unwrap(f) != null).recoverWithItem(f -> {
                    EmberException e = EmberExceptions.unwrap(f);
                    return ErrorMappers.respond(e);
                });
    }
}
