package dev.ember.controlplane.deployedmodel.api;

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

import dev.ember.common.name.DeployedModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.deployedmodel.service.DeployedModelLists;
import dev.ember.controlplane.deployedmodel.service.DeployedModelService;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.controlplane.web.Tagged;

/** Deployed models ("Load LoRA" / "Unload LoRA" in Fireworks' v1 API): LoRA addons loaded onto deployments. */
@Path("/v1/accounts/{account}/deployedModels")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class DeployedModelResource {

    @Inject
    DeployedModelService deployedModels;

    @Inject
    CurrentCaller caller;

    /**
     * Loads {@code model} (a LoRA addon) onto {@code deployment}. The ID is {@code deployedModelId} when given,
     * otherwise generated from the model's.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<DeployedModel> create(@RestPath String account, @RestQuery String deployedModelId,
            @RestQuery String replaceMergedAddon, DeployedModel body) {
        ResourceIds.require("account", account);
        return deployedModels.create(caller.get(), account, deployedModelId, body,
                QueryParams.bool("replaceMergedAddon", replaceMergedAddon));
    }

    @GET
    public Uni<ListDeployedModelsResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String readMask) {
        return deployedModels.list(caller.get(),
                DeployedModelLists.parse(account, pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("{deployedModel}")
    public Uni<RestResponse<DeployedModel>> get(@RestPath String account, @RestPath String deployedModel,
            @RestQuery String readMask) {
        return deployedModels.get(caller.get(), new DeployedModelName(account, deployedModel)).map(Tagged::response);
    }

    /** With {@code If-Match} only if the deployed model's {@code ETag} is still that one (409 ABORTED otherwise). */
    @PATCH
    @Path("{deployedModel}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<DeployedModel>> update(@RestPath String account, @RestPath String deployedModel,
            @RestHeader("If-Match") String ifMatch, DeployedModel body) {
        return deployedModels.update(caller.get(), new DeployedModelName(account, deployedModel), body, ifMatch)
                .map(Tagged::response);
    }

    /** Unloads the addon: UNDEPLOYING, then gone. Answers an empty object, as Fireworks' DeleteDeployedModel. */
    @DELETE
    @Path("{deployedModel}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String deployedModel) {
        return deployedModels.delete(caller.get(), new DeployedModelName(account, deployedModel))
                .replaceWith(Map.of());
    }
}
