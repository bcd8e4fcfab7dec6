package dev.ember.controlplane.deployment.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.deployment.service.DeploymentService;
import dev.ember.controlplane.web.QueryParams;

@Path("/v1/accounts/{account}/deployments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    @Inject
    DeploymentService deployments;

    @Inject
    CurrentCaller caller;

    @POST
    public Uni<Deployment> create(@RestPath String account, @RestQuery String deploymentId,
            @RestQuery String validateOnly, Deployment body) {
        ResourceIds.require("account", account);
        return deployments.create(caller.get(), account, deploymentId, body,
                QueryParams.bool("validateOnly", validateOnly));
    }

    @GET
    @Path("{deployment}")
    public Uni<Deployment> get(@RestPath String account, @RestPath String deployment) {
        return deployments.get(caller.get(), new DeploymentName(account, deployment));
    }
}
