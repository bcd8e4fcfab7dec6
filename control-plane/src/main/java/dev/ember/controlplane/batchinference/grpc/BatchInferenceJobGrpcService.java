package dev.ember.controlplane.batchinference.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.BatchInferenceJobName;
import dev.ember.controlplane.batchinference.api.BatchInferenceJob;
import dev.ember.controlplane.batchinference.service.BatchInferenceJobService;
import dev.ember.controlplane.batchinference.service.BatchLists;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.BatchInferenceJobs;
import dev.ember.proto.v1.CreateBatchInferenceJobRequest;
import dev.ember.proto.v1.DeleteBatchInferenceJobRequest;
import dev.ember.proto.v1.GetBatchInferenceJobRequest;
import dev.ember.proto.v1.ListBatchInferenceJobsRequest;
import dev.ember.proto.v1.ListBatchInferenceJobsResponse;

/** Batch inference jobs over gRPC, through the same service as BatchInferenceJobResource. */
@GrpcService
@RunsToCompletion
public class BatchInferenceJobGrpcService implements BatchInferenceJobs {

    @Inject
    BatchInferenceJobService jobs;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.BatchInferenceJob> getBatchInferenceJob(GetBatchInferenceJobRequest request) {
        return auth.call(caller -> jobs.get(caller, BatchInferenceJobName.parse("name", request.getName()))
                .map(BatchInferenceJobGrpcService::proto));
    }

    @Override
    public Uni<ListBatchInferenceJobsResponse> listBatchInferenceJobs(ListBatchInferenceJobsRequest request) {
        return auth.call(caller -> jobs.list(caller, BatchLists.parse(
                AccountName.parse("parent", request.getParent()).account(), GrpcLists.pageSize(request.getPageSize()),
                ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                ProtoJson.orNull(request.getOrderBy())))
                .map(page -> ProtoJson.<ListBatchInferenceJobsResponse>toProto(page,
                        ListBatchInferenceJobsResponse.newBuilder())));
    }

    @Override
    public Uni<dev.ember.proto.v1.BatchInferenceJob> createBatchInferenceJob(CreateBatchInferenceJobRequest request) {
        return auth.call(caller -> jobs.create(caller, AccountName.parse("parent", request.getParent()).account(),
                ProtoJson.orNull(request.getBatchInferenceJobId()),
                request.hasBatchInferenceJob()
                        ? ProtoJson.toApi(request.getBatchInferenceJob(), BatchInferenceJob.class)
                        : null)
                .map(BatchInferenceJobGrpcService::proto));
    }

    @Override
    public Uni<Empty> deleteBatchInferenceJob(DeleteBatchInferenceJobRequest request) {
        return auth.call(caller -> jobs.delete(caller, BatchInferenceJobName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    private static dev.ember.proto.v1.BatchInferenceJob proto(BatchInferenceJob job) {
        return ProtoJson.toProto(job, dev.ember.proto.v1.BatchInferenceJob.newBuilder());
    }
}
