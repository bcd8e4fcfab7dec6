package dev.ember.controlplane.shape.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentShapeName;
import dev.ember.common.name.DeploymentShapeVersionName;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.shape.service.DeploymentShapeService;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.RunsToCompletion;

/**
 * Deployment shapes and their versions, read-only: the catalog's shapes are seeded from rules at start
 * ({@code ShapeCatalog}). {@code .../deploymentShapes/-/versions} lists the versions of every shape of the account,
 * so {@code filter=baseModel="accounts/fireworks/models/..."} gives every version for one base model.
 */
@Path("/v1/accounts/{account}/deploymentShapes")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class DeploymentShapeResource {

    @Inject
    DeploymentShapeService shapes;

    @Inject
    CurrentCaller caller;

    @GET
    public Uni<ListDeploymentShapesResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String readMask, @RestQuery String targetModel) {
        return shapes.list(caller.get(), account, pageSize, pageToken, filter, orderBy, readMask, targetModel);
    }

    /**
     * {@code skipShapeValidation} is accepted for Fireworks clients and changes nothing: every version is validated
     * when it is made, so the latest version is the latest validated one.
     */
    @GET
    @Path("{shape}")
    public Uni<DeploymentShape> get(@RestPath String account, @RestPath String shape, @RestQuery String readMask,
            @RestQuery String skipShapeValidation) {
        QueryParams.bool("skipShapeValidation", skipShapeValidation);
        return shapes.get(caller.get(), new DeploymentShapeName(account, shape), readMask);
    }

    @GET
    @Path("{shape}/versions")
    public Uni<ListDeploymentShapeVersionsResponse> listVersions(@RestPath String account, @RestPath String shape,
            @RestQuery String pageSize, @RestQuery String pageToken, @RestQuery String filter,
            @RestQuery String orderBy, @RestQuery String readMask) {
        return shapes.listVersions(caller.get(), account, shape, pageSize, pageToken, filter, orderBy, readMask);
    }

    @GET
    @Path("{shape}/versions/{version}")
    public Uni<DeploymentShapeVersion> getVersion(@RestPath String account, @RestPath String shape,
            @RestPath String version, @RestQuery String readMask) {
        return shapes.getVersion(caller.get(), new DeploymentShapeVersionName(account, shape, version), readMask);
    }
}
