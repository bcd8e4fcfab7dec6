package dev.ember.controlplane.deployment.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.DeploymentName;
import dev.ember.controlplane.deployment.api.Deployment;
import dev.ember.controlplane.deployment.api.ScaleDeploymentRequest;
import dev.ember.controlplane.deployment.service.DeploymentLists;
import dev.ember.controlplane.deployment.service.DeploymentService;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.CreateDeploymentRequest;
import dev.ember.proto.v1.DeleteDeploymentRequest;
import dev.ember.proto.v1.Deployments;
import dev.ember.proto.v1.GetDeploymentRequest;
import dev.ember.proto.v1.ListDeploymentsRequest;
import dev.ember.proto.v1.ListDeploymentsResponse;
import dev.ember.proto.v1.UndeleteDeploymentRequest;
import dev.ember.proto.v1.UpdateDeploymentRequest;

/** The deployments API over gRPC: the same service calls, names and errors as DeploymentResource. */
@GrpcService
@RunsToCompletion
public class DeploymentGrpcService implements Deployments {

    @Inject
    DeploymentService deployments;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.Deployment> getDeployment(GetDeploymentRequest request) {
        return auth.call(caller -> deployments.get(caller, DeploymentName.parse("name", request.getName()))
                .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.Deployment.newBuilder())));
    }

    @Override
    public Uni<ListDeploymentsResponse> listDeployments(ListDeploymentsRequest request) {
        return auth.call(caller -> {
            String account = AccountName.parse("parent", request.getParent()).account();
            return deployments.list(caller, DeploymentLists.parse(account,
                    GrpcLists.pageSize(request.getPageSize()),
                    ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                    ProtoJson.orNull(request.getOrderBy()), Boolean.toString(request.getShowDeleted())))
                    .map(page -> ProtoJson.toProto(page, ListDeploymentsResponse.newBuilder()));
        });
    }

    @Override
    public Uni<dev.ember.proto.v1.Deployment> createDeployment(CreateDeploymentRequest request) {
        return auth.call(caller -> {
            String account = AccountName.parse("parent", request.getParent()).account();
            Deployment body = request.hasDeployment()
                    ? ProtoJson.toApi(request.getDeployment(), Deployment.class)
                    : null;
            return deployments.create(caller, account, ProtoJson.orNull(request.getDeploymentId()), body,
                    request.getValidateOnly(), request.getDisableSpeculativeDecoding())
                    .map(d -> ProtoJson.created(d, dev.ember.proto.v1.Deployment.newBuilder()));
        });
    }

    @Override
    public Uni<dev.ember.proto.v1.Deployment> updateDeployment(UpdateDeploymentRequest request) {
        return auth.call(caller -> {
            DeploymentName name = DeploymentName.parse("deployment.name", request.getDeployment().getName());
            Deployment body = ProtoJson.toApi(request.getDeployment(), Deployment.class);
            String mask = GrpcLists.updateMask(request.hasUpdateMask(), request.getUpdateMask());
            return deployments.update(caller, name, body, mask,
                    ProtoJson.etag(request.getEtag(), request.getDeployment().getEtag()))
                    .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.Deployment.newBuilder()));
        });
    }

    @Override
    public Uni<Empty> deleteDeployment(DeleteDeploymentRequest request) {
        return auth.call(caller -> deployments.delete(caller, DeploymentName.parse("name", request.getName()),
                request.getHard()).replaceWith(Empty.getDefaultInstance()));
    }

    @Override
    public Uni<dev.ember.proto.v1.Deployment> undeleteDeployment(UndeleteDeploymentRequest request) {
        return auth.call(caller -> deployments.undelete(caller, DeploymentName.parse("name", request.getName()))
                .map(DeploymentGrpcService::proto));
    }

    @Override
    public Uni<Empty> scaleDeployment(dev.ember.proto.v1.ScaleDeploymentRequest request) {
        return auth.call(caller -> deployments.scale(caller, DeploymentName.parse("name", request.getName()),
                new ScaleDeploymentRequest(request.hasReplicaCount() ? request.getReplicaCount() : null))
                .replaceWith(Empty.getDefaultInstance()));
    }

    private static dev.ember.proto.v1.Deployment proto(Deployment d) {
        return ProtoJson.toProto(d, dev.ember.proto.v1.Deployment.newBuilder());
    }
}
