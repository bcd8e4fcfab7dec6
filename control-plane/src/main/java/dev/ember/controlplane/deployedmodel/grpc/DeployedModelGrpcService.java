package dev.ember.controlplane.deployedmodel.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.DeployedModelName;
import dev.ember.controlplane.deployedmodel.api.DeployedModel;
import dev.ember.controlplane.deployedmodel.service.DeployedModelLists;
import dev.ember.controlplane.deployedmodel.service.DeployedModelService;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.CreateDeployedModelRequest;
import dev.ember.proto.v1.DeleteDeployedModelRequest;
import dev.ember.proto.v1.DeployedModels;
import dev.ember.proto.v1.GetDeployedModelRequest;
import dev.ember.proto.v1.ListDeployedModelsRequest;
import dev.ember.proto.v1.ListDeployedModelsResponse;
import dev.ember.proto.v1.UpdateDeployedModelRequest;

/** Deployed models (LoRA addons loaded onto deployments) over gRPC, through the same service as the REST resource. */
@GrpcService
@RunsToCompletion
public class DeployedModelGrpcService implements DeployedModels {

    @Inject
    DeployedModelService deployedModels;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.DeployedModel> getDeployedModel(GetDeployedModelRequest request) {
        return auth.call(caller -> deployedModels.get(caller, DeployedModelName.parse("name", request.getName()))
                .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.DeployedModel.newBuilder())));
    }

    @Override
    public Uni<ListDeployedModelsResponse> listDeployedModels(ListDeployedModelsRequest request) {
        return auth.call(caller -> deployedModels.list(caller, DeployedModelLists.parse(
                AccountName.parse("parent", request.getParent()).account(), GrpcLists.pageSize(request.getPageSize()),
                ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                ProtoJson.orNull(request.getOrderBy())))
                .map(page -> ProtoJson.<ListDeployedModelsResponse>toProto(page,
                        ListDeployedModelsResponse.newBuilder())));
    }

    @Override
    public Uni<dev.ember.proto.v1.DeployedModel> createDeployedModel(CreateDeployedModelRequest request) {
        return auth.call(caller -> deployedModels.create(caller,
                AccountName.parse("parent", request.getParent()).account(),
                ProtoJson.orNull(request.getDeployedModelId()),
                ProtoJson.toApi(request.getDeployedModel(), DeployedModel.class), false)
                .map(DeployedModelGrpcService::created));
    }

    @Override
    public Uni<dev.ember.proto.v1.DeployedModel> updateDeployedModel(UpdateDeployedModelRequest request) {
        return auth.call(caller -> deployedModels.update(caller,
                DeployedModelName.parse("deployed_model.name", request.getDeployedModel().getName()),
                ProtoJson.toApi(request.getDeployedModel(), DeployedModel.class),
                ProtoJson.etag(request.getEtag(), request.getDeployedModel().getEtag()))
                .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.DeployedModel.newBuilder())));
    }

    @Override
    public Uni<Empty> deleteDeployedModel(DeleteDeployedModelRequest request) {
        return auth.call(caller -> deployedModels.delete(caller, DeployedModelName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    /** A new deployed model, with its first entity tag. */
    private static dev.ember.proto.v1.DeployedModel created(DeployedModel d) {
        return ProtoJson.created(d, dev.ember.proto.v1.DeployedModel.newBuilder());
    }
}
