package dev.ember.controlplane.finetuning.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.SupervisedFineTuningJobName;
import dev.ember.controlplane.finetuning.api.SupervisedFineTuningJob;
import dev.ember.controlplane.finetuning.service.SftLists;
import dev.ember.controlplane.finetuning.service.SupervisedFineTuningJobService;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.CancelSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.CreateSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.DeleteSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.GetSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.ListSupervisedFineTuningJobsRequest;
import dev.ember.proto.v1.ListSupervisedFineTuningJobsResponse;
import dev.ember.proto.v1.ResumeSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.SupervisedFineTuningJobs;

/** Supervised fine-tuning jobs over gRPC, through the same service as SupervisedFineTuningJobResource. */
@GrpcService
@RunsToCompletion
public class SupervisedFineTuningJobGrpcService implements SupervisedFineTuningJobs {

    @Inject
    SupervisedFineTuningJobService jobs;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.SupervisedFineTuningJob> getSupervisedFineTuningJob(
            GetSupervisedFineTuningJobRequest request) {
        return auth.call(caller -> jobs.get(caller, SupervisedFineTuningJobName.parse("name", request.getName()))
                .map(SupervisedFineTuningJobGrpcService::proto));
    }

    @Override
    public Uni<ListSupervisedFineTuningJobsResponse> listSupervisedFineTuningJobs(
            ListSupervisedFineTuningJobsRequest request) {
        return auth.call(caller -> jobs.list(caller, SftLists.parse(
                AccountName.parse("parent", request.getParent()).account(), GrpcLists.pageSize(request.getPageSize()),
                ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                ProtoJson.orNull(request.getOrderBy())))
                .map(page -> ProtoJson.<ListSupervisedFineTuningJobsResponse>toProto(page,
                        ListSupervisedFineTuningJobsResponse.newBuilder())));
    }

    @Override
    public Uni<dev.ember.proto.v1.SupervisedFineTuningJob> createSupervisedFineTuningJob(
            CreateSupervisedFineTuningJobRequest request) {
        return auth.call(caller -> jobs.create(caller, AccountName.parse("parent", request.getParent()).account(),
                ProtoJson.orNull(request.getSupervisedFineTuningJobId()),
                request.hasSupervisedFineTuningJob()
                        ? ProtoJson.toApi(request.getSupervisedFineTuningJob(), SupervisedFineTuningJob.class)
                        : null)
                .map(SupervisedFineTuningJobGrpcService::proto));
    }

    @Override
    public Uni<Empty> deleteSupervisedFineTuningJob(DeleteSupervisedFineTuningJobRequest request) {
        return auth.call(caller -> jobs.delete(caller, SupervisedFineTuningJobName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    @Override
    public Uni<Empty> cancelSupervisedFineTuningJob(CancelSupervisedFineTuningJobRequest request) {
        return auth.call(caller -> jobs.cancel(caller, SupervisedFineTuningJobName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    @Override
    public Uni<dev.ember.proto.v1.SupervisedFineTuningJob> resumeSupervisedFineTuningJob(
            ResumeSupervisedFineTuningJobRequest request) {
        return auth.call(caller -> jobs.resume(caller, SupervisedFineTuningJobName.parse("name", request.getName()))
                .map(SupervisedFineTuningJobGrpcService::proto));
    }

    private static dev.ember.proto.v1.SupervisedFineTuningJob proto(SupervisedFineTuningJob job) {
        return ProtoJson.toProto(job, dev.ember.proto.v1.SupervisedFineTuningJob.newBuilder());
    }
}
