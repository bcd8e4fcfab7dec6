package dev.ember.controlplane.dataset.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.DatasetName;
import dev.ember.controlplane.dataset.api.CreateDatasetRequest;
import dev.ember.controlplane.dataset.api.Dataset;
import dev.ember.controlplane.dataset.service.DatasetLists;
import dev.ember.controlplane.dataset.service.DatasetService;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.Datasets;
import dev.ember.proto.v1.DeleteDatasetRequest;
import dev.ember.proto.v1.GetDatasetRequest;
import dev.ember.proto.v1.ListDatasetsRequest;
import dev.ember.proto.v1.ListDatasetsResponse;
import dev.ember.proto.v1.UpdateDatasetRequest;

/** Datasets over gRPC, through the same service as DatasetResource (the file moves through REST's signed URLs). */
@GrpcService
@RunsToCompletion
public class DatasetGrpcService implements Datasets {

    @Inject
    DatasetService datasets;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.Dataset> getDataset(GetDatasetRequest request) {
        return auth.call(caller -> datasets.get(caller, DatasetName.parse("name", request.getName()))
                .map(DatasetGrpcService::proto));
    }

    @Override
    public Uni<ListDatasetsResponse> listDatasets(ListDatasetsRequest request) {
        return auth.call(caller -> datasets.list(caller, DatasetLists.parse(
                AccountName.parse("parent", request.getParent()).account(), GrpcLists.pageSize(request.getPageSize()),
                ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                ProtoJson.orNull(request.getOrderBy())))
                .map(page -> ProtoJson.<ListDatasetsResponse>toProto(page, ListDatasetsResponse.newBuilder())));
    }

    @Override
    public Uni<dev.ember.proto.v1.Dataset> createDataset(dev.ember.proto.v1.CreateDatasetRequest request) {
        return auth.call(caller -> datasets.create(caller, AccountName.parse("parent", request.getParent()).account(),
                new CreateDatasetRequest(ProtoJson.orNull(request.getDatasetId()),
                        request.hasDataset() ? ProtoJson.toApi(request.getDataset(), Dataset.class) : null, null,
                        null))
                .map(DatasetGrpcService::proto));
    }

    @Override
    public Uni<dev.ember.proto.v1.Dataset> updateDataset(UpdateDatasetRequest request) {
        return auth.call(caller -> datasets.update(caller,
                DatasetName.parse("dataset.name", request.getDataset().getName()),
                ProtoJson.toApi(request.getDataset(), Dataset.class),
                GrpcLists.updateMask(request.hasUpdateMask(), request.getUpdateMask()))
                .map(DatasetGrpcService::proto));
    }

    @Override
    public Uni<Empty> deleteDataset(DeleteDatasetRequest request) {
        return auth.call(caller -> datasets.delete(caller, DatasetName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    private static dev.ember.proto.v1.Dataset proto(Dataset dataset) {
        return ProtoJson.toProto(dataset, dev.ember.proto.v1.Dataset.newBuilder());
    }
}
