package dev.ember.controlplane.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;

import dev.ember.common.error.EmberException;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.error.ErrorMappers;
import dev.ember.controlplane.web.Detached;

/** Every {@code /v1} request carries {@code Authorization: Bearer <api key>}; the key's hash names the caller. */
public class ApiKeyAuthentication {

    @Inject
    Authenticator authenticator;

    @Inject
    CurrentCaller current;

    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/v1/")) {
            return Uni.createFrom().nullItem();
        }
        // Its session ends as it would have if the client leaves meanwhile (see RunsToCompletion).
        return Detached.run(authenticator.authenticate(request.getHeaderString("Authorization")))
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
