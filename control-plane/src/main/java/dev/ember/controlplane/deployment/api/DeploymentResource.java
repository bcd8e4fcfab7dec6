package dev.ember.controlplane.deployment.api;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.deployment.service.DeploymentLists;
import dev.ember.controlplane.deployment.service.DeploymentService;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.controlplane.web.Tagged;

@Path("/v1/accounts/{account}/deployments")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class DeploymentResource {

    @Inject
    DeploymentService deployments;

    @Inject
    CurrentCaller caller;

    /**
     * Only create, update and scale read a body; the other methods take any content type or none (curl -X DELETE
     * sends none). {@code skipShapeValidation} is accepted for Fireworks clients and changes nothing: every shape
     * version is validated when it is made.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Deployment> create(@RestPath String account, @RestQuery String deploymentId,
            @RestQuery String validateOnly, @RestQuery String disableSpeculativeDecoding,
            @RestQuery String skipShapeValidation, Deployment body) {
        ResourceIds.require("account", account);
        boolean dryRun = QueryParams.bool("validateOnly", validateOnly);
        boolean noSpeculation = QueryParams.bool("disableSpeculativeDecoding", disableSpeculativeDecoding);
        QueryParams.bool("skipShapeValidation", skipShapeValidation);
        return deployments.create(caller.get(), account, deploymentId, body, dryRun, noSpeculation);
    }

    @GET
    public Uni<ListDeploymentsResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String showDeleted) {
        return deployments.list(caller.get(),
                DeploymentLists.parse(account, pageSize, pageToken, filter, orderBy, showDeleted));
    }

    /** The deployment, with its spec's entity tag in {@code ETag} for a later conditional update. */
    @GET
    @Path("{deployment}")
    public Uni<RestResponse<Deployment>> get(@RestPath String account, @RestPath String deployment) {
        return deployments.get(caller.get(), new DeploymentName(account, deployment)).map(Tagged::response);
    }

    /**
     * Updates the fields present in the body, or exactly those {@code updateMask} names. With {@code If-Match} the
     * update happens only if the deployment's {@code ETag} is still that one (409 ABORTED otherwise).
     */
    @PATCH
    @Path("{deployment}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Deployment>> update(@RestPath String account, @RestPath String deployment,
            @RestQuery String updateMask, @RestQuery String skipShapeValidation,
            @RestHeader("If-Match") String ifMatch, Deployment body) {
        QueryParams.bool("skipShapeValidation", skipShapeValidation);
        return deployments.update(caller.get(), new DeploymentName(account, deployment), body, updateMask, ifMatch)
                .map(Tagged::response);
    }

    /**
     * Answers an empty object, as Fireworks' DeleteDeployment does. {@code ignoreChecks} is accepted for Fireworks
     * clients but changes nothing: no check (such as "still serving traffic") blocks a deletion yet.
     */
    @DELETE
    @Path("{deployment}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String deployment,
            @RestQuery String hard, @RestQuery String ignoreChecks) {
        DeploymentName name = new DeploymentName(account, deployment);
        boolean purge = QueryParams.bool("hard", hard);
        QueryParams.bool("ignoreChecks", ignoreChecks); // checked, so "ignoreChecks=yes" is refused like elsewhere
        return deployments.delete(caller.get(), name, purge).replaceWith(Map.of());
    }

    /**
     * The {@code :scale} custom verb: {@code {"replicaCount": n}} sets the desired replica count now. Fireworks
     * declares it as PATCH; POST, as custom verbs usually are (AIP-136), works the same. Answers an empty object, as
     * Fireworks' ScaleDeployment does.
     */
    @POST
    @Path("{deployment}:scale")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> scale(@RestPath String account, @RestPath String deployment,
            ScaleDeploymentRequest body) {
        return deployments.scale(caller.get(), new DeploymentName(account, deployment), body).replaceWith(Map.of());
    }

    @PATCH
    @Path("{deployment}:scale")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> scaleByPatch(@RestPath String account, @RestPath String deployment,
            ScaleDeploymentRequest body) {
        return scale(account, deployment, body);
    }

    /**
     * The {@code :undelete} custom verb. Fireworks' body is an empty object; any body, or none, is accepted and
     * ignored, since the method takes no input.
     */
    @POST
    @Path("{deployment}:undelete")
    public Uni<Deployment> undelete(@RestPath String account, @RestPath String deployment) {
        return deployments.undelete(caller.get(), new DeploymentName(account, deployment));
    }
}
