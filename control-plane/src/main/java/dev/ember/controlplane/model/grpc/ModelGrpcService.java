package dev.ember.controlplane.model.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.ModelName;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.model.api.CreateModelRequest;
import dev.ember.controlplane.model.api.Model;
import dev.ember.controlplane.model.service.ModelLists;
import dev.ember.controlplane.model.service.ModelService;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.DeleteModelRequest;
import dev.ember.proto.v1.GetModelRequest;
import dev.ember.proto.v1.ListModelsRequest;
import dev.ember.proto.v1.ListModelsResponse;
import dev.ember.proto.v1.Models;
import dev.ember.proto.v1.UpdateModelRequest;

/** Models over gRPC, through the same service as ModelResource (uploads stay on REST: they carry files). */
@GrpcService
@RunsToCompletion
public class ModelGrpcService implements Models {

    @Inject
    ModelService models;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.Model> getModel(GetModelRequest request) {
        return auth.call(caller -> models.get(caller, ModelName.parse("name", request.getName()))
                .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.Model.newBuilder())));
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        return auth.call(caller -> models.list(caller, ModelLists.parse(
                AccountName.parse("parent", request.getParent()).account(), GrpcLists.pageSize(request.getPageSize()),
                ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                ProtoJson.orNull(request.getOrderBy())))
                .map(page -> ProtoJson.<ListModelsResponse>toProto(page, ListModelsResponse.newBuilder())));
    }

    @Override
    public Uni<dev.ember.proto.v1.Model> createModel(dev.ember.proto.v1.CreateModelRequest request) {
        return auth.call(caller -> models.create(caller, AccountName.parse("parent", request.getParent()).account(),
                new CreateModelRequest(ProtoJson.orNull(request.getModelId()),
                        request.hasModel() ? ProtoJson.toApi(request.getModel(), Model.class) : null,
                        ProtoJson.orNull(request.getCluster())))
                .map(ModelGrpcService::created));
    }

    @Override
    public Uni<dev.ember.proto.v1.Model> updateModel(UpdateModelRequest request) {
        return auth.call(caller -> {
            String mask = GrpcLists.updateMask(request.hasUpdateMask(), request.getUpdateMask());
            return models.update(caller, ModelName.parse("model.name", request.getModel().getName()),
                    ProtoJson.toApi(request.getModel(), Model.class), mask,
                    ProtoJson.etag(request.getEtag(), request.getModel().getEtag()))
                    .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.Model.newBuilder()));
        });
    }

    @Override
    public Uni<Empty> deleteModel(DeleteModelRequest request) {
        return auth.call(caller -> models.delete(caller, ModelName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    /** A new model, with its first entity tag. */
    private static dev.ember.proto.v1.Model created(Model model) {
        return ProtoJson.created(model, dev.ember.proto.v1.Model.newBuilder());
    }
}
