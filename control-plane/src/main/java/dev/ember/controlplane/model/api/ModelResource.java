package dev.ember.controlplane.model.api;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.model.service.ModelLists;
import dev.ember.controlplane.model.service.ModelService;
import dev.ember.controlplane.model.service.ModelUploads;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.controlplane.web.Tagged;

/**
 * Models, as Fireworks' v1 API has them: the public catalog under {@code accounts/fireworks} (read-only) and each
 * account's custom base models and LoRA addons, with the upload flow ({@code :getUploadEndpoint}, PUT to the signed
 * URLs, {@code :validateUpload}).
 */
@Path("/v1/accounts/{account}/models")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class ModelResource {

    @Inject
    ModelService models;

    @Inject
    ModelUploads uploads;

    @Inject
    CurrentCaller caller;

    /** Fireworks' CreateModel: {@code {"modelId": ..., "model": {...}}}. The model starts UPLOADING. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Model> create(@RestPath String account, CreateModelRequest body) {
        ResourceIds.require("account", account);
        return models.create(caller.get(), account, body);
    }

    @GET
    public Uni<ListModelsResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String readMask) {
        return models.list(caller.get(), ModelLists.parse(account, pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("{model}")
    public Uni<RestResponse<Model>> get(@RestPath String account, @RestPath String model,
            @RestQuery String readMask) {
        return models.get(caller.get(), new ModelName(account, model)).map(Tagged::response);
    }

    /**
     * Changes displayName, description and the other descriptive fields; see {@code updateMask}. With {@code If-Match}
     * only if the model's {@code ETag} is still that one (409 ABORTED otherwise).
     */
    @PATCH
    @Path("{model}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Model>> update(@RestPath String account, @RestPath String model,
            @RestQuery String updateMask, @RestHeader("If-Match") String ifMatch, Model body) {
        return models.update(caller.get(), new ModelName(account, model), body, updateMask, ifMatch)
                .map(Tagged::response);
    }

    /** Answers an empty object, as Fireworks' DeleteModel does. */
    @DELETE
    @Path("{model}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String model) {
        return models.delete(caller.get(), new ModelName(account, model)).replaceWith(Map.of());
    }

    /** Declares the model's files and their sizes; answers a signed PUT URL per file. */
    @POST
    @Path("{model}:getUploadEndpoint")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<GetUploadEndpointResponse> getUploadEndpoint(@RestPath String account, @RestPath String model,
            GetUploadEndpointRequest body, @Context UriInfo uri) {
        return uploads.getUploadEndpoint(caller.get(), new ModelName(account, model), body,
                uri.getBaseUri().toString());
    }

    /**
     * Checks that every declared file arrived and the configs make sense, then makes the model READY. GET as in
     * Fireworks' reference; POST too, since it changes the model. {@code trustRemoteCode} and {@code configOnly} are
     * accepted for Fireworks clients: no code is ever run, and tokenizer and parameter names are not checked.
     */
    @GET
    @Path("{model}:validateUpload")
    public Uni<ValidateUploadResponse> validateUpload(@RestPath String account, @RestPath String model,
            @RestQuery String skipHfConfigValidation, @RestQuery String trustRemoteCode,
            @RestQuery String configOnly) {
        QueryParams.bool("trustRemoteCode", trustRemoteCode);
        QueryParams.bool("configOnly", configOnly);
        return uploads.validateUpload(caller.get(), new ModelName(account, model),
                QueryParams.bool("skipHfConfigValidation", skipHfConfigValidation));
    }

    @POST
    @Path("{model}:validateUpload")
    public Uni<ValidateUploadResponse> validateUploadPost(@RestPath String account, @RestPath String model,
            @RestQuery String skipHfConfigValidation, @RestQuery String trustRemoteCode,
            @RestQuery String configOnly) {
        return validateUpload(account, model, skipHfConfigValidation, trustRemoteCode, configOnly);
    }
}
