package dev.ember.controlplane.shape.grpc;

import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.DeploymentShapeName;
import dev.ember.common.name.DeploymentShapeVersionName;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.shape.service.DeploymentShapeService;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.DeploymentShape;
import dev.ember.proto.v1.DeploymentShapeVersion;
import dev.ember.proto.v1.DeploymentShapes;
import dev.ember.proto.v1.GetDeploymentShapeRequest;
import dev.ember.proto.v1.GetDeploymentShapeVersionRequest;
import dev.ember.proto.v1.ListDeploymentShapeVersionsRequest;
import dev.ember.proto.v1.ListDeploymentShapeVersionsResponse;
import dev.ember.proto.v1.ListDeploymentShapesRequest;
import dev.ember.proto.v1.ListDeploymentShapesResponse;

/** Deployment shapes and their versions over gRPC: the same service calls, names and errors as DeploymentShapeResource. */
@GrpcService
@RunsToCompletion
public class DeploymentShapeGrpcService implements DeploymentShapes {

    @Inject
    DeploymentShapeService shapes;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<DeploymentShape> getDeploymentShape(GetDeploymentShapeRequest request) {
        return auth.call(caller -> shapes.get(caller, DeploymentShapeName.parse("name", request.getName()), null)
                .map(shape -> ProtoJson.<DeploymentShape>toProto(shape, DeploymentShape.newBuilder())));
    }

    @Override
    public Uni<ListDeploymentShapesResponse> listDeploymentShapes(ListDeploymentShapesRequest request) {
        return auth.call(caller -> shapes.list(caller, AccountName.parse("parent", request.getParent()).account(),
                GrpcLists.pageSize(request.getPageSize()), ProtoJson.orNull(request.getPageToken()),
                ProtoJson.orNull(request.getFilter()), ProtoJson.orNull(request.getOrderBy()), null,
                ProtoJson.orNull(request.getTargetModel()))
                .map(page -> ProtoJson.<ListDeploymentShapesResponse>toProto(page,
                        ListDeploymentShapesResponse.newBuilder())));
    }

    @Override
    public Uni<DeploymentShapeVersion> getDeploymentShapeVersion(GetDeploymentShapeVersionRequest request) {
        return auth.call(caller -> shapes.getVersion(caller,
                DeploymentShapeVersionName.parse("name", request.getName()), null)
                .map(version -> ProtoJson.<DeploymentShapeVersion>toProto(version,
                        DeploymentShapeVersion.newBuilder())));
    }

    /** {@code parent} is a shape, or {@code accounts/{account}/deploymentShapes/-} for every shape of the account. */
    @Override
    public Uni<ListDeploymentShapeVersionsResponse> listDeploymentShapeVersions(
            ListDeploymentShapeVersionsRequest request) {
        return auth.call(caller -> {
            String parent = request.getParent();
            String anyShape = "/deploymentShapes/" + DeploymentShapeService.ANY_SHAPE;
            String account;
            String shape;
            if (parent.endsWith(anyShape)) {
                account = AccountName.parse("parent", parent.substring(0, parent.length() - anyShape.length()))
                        .account();
                shape = DeploymentShapeService.ANY_SHAPE;
            } else {
                DeploymentShapeName name = DeploymentShapeName.parse("parent", parent);
                account = name.account();
                shape = name.shape();
            }
            return shapes.listVersions(caller, account, shape, GrpcLists.pageSize(request.getPageSize()),
                    ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                    ProtoJson.orNull(request.getOrderBy()), null)
                    .map(page -> ProtoJson.<ListDeploymentShapeVersionsResponse>toProto(page,
                            ListDeploymentShapeVersionsResponse.newBuilder()));
        });
    }
}
