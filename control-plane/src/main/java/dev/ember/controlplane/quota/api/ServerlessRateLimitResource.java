package dev.ember.controlplane.quota.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.quota.service.ServerlessRateLimitService;
import dev.ember.controlplane.web.RunsToCompletion;

/** Fireworks' ListAccountServerlessRateLimits: the account's serverless quotas, per serverless deployment. */
@Path("/v1/accounts/{account}/serverlessRateLimits")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class ServerlessRateLimitResource {

    @Inject
    ServerlessRateLimitService limits;

    @Inject
    CurrentCaller caller;

    @GET
    public Uni<ServerlessRateLimits> list(@RestPath String account, @RestQuery String deployment,
            @RestQuery String start, @RestQuery String end, @RestQuery String interval) {
        ResourceIds.require("account", account);
        return limits.list(caller.get(), account, deployment, start, end, interval);
    }
}
