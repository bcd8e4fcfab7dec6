package dev.ember.controlplane.grpc;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_8B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import com.google.protobuf.FieldMask;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.controlplane.dataset.DatasetFixtures;
import dev.ember.proto.v1.BatchInferenceJob;
import dev.ember.proto.v1.BatchInferenceJobsGrpc;
import dev.ember.proto.v1.CancelSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.CreateBatchInferenceJobRequest;
import dev.ember.proto.v1.CreateDatasetRequest;
import dev.ember.proto.v1.CreateSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.Dataset;
import dev.ember.proto.v1.DatasetsGrpc;
import dev.ember.proto.v1.GetDatasetRequest;
import dev.ember.proto.v1.GetSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.ListBatchInferenceJobsRequest;
import dev.ember.proto.v1.ListSupervisedFineTuningJobsRequest;
import dev.ember.proto.v1.ResumeSupervisedFineTuningJobRequest;
import dev.ember.proto.v1.SupervisedFineTuningJob;
import dev.ember.proto.v1.SupervisedFineTuningJobsGrpc;
import dev.ember.proto.v1.UpdateDatasetRequest;
import dev.ember.testsupport.EmberInfraResource;

/** Datasets and jobs over gRPC (jobs.proto): the same resources, defaults and errors as over REST. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class JobsGrpcTest {

    <S extends AbstractStub<S>> S withKey(S stub) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + ADMIN_KEY);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void aDatasetAndItsJobsOverGrpcAreTheSameResourcesOverRest() {
        DatasetsGrpc.DatasetsBlockingStub datasets = withKey(DatasetsGrpc.newBlockingStub(GrpcChannel.channel()));
        Dataset created = datasets.createDataset(CreateDatasetRequest.newBuilder().setParent("accounts/acme")
                .setDatasetId("grpc-data").setDataset(Dataset.newBuilder().setDisplayName("Over gRPC")).build());
        assertThat(created.getState()).isEqualTo("UPLOADING");
        DatasetFixtures.upload(ADMIN_KEY, created.getName(), "d.jsonl", DatasetFixtures.CHAT);
        DatasetFixtures.validate(ADMIN_KEY, created.getName()).then().statusCode(200);
        Dataset ready = datasets.getDataset(GetDatasetRequest.newBuilder().setName(created.getName()).build());
        assertThat(ready.getExampleCount()).isEqualTo(3);
        assertThat(ready.getFormat()).isEqualTo("CHAT");
        assertThat(datasets.updateDataset(UpdateDatasetRequest.newBuilder()
                .setDataset(Dataset.newBuilder().setName(created.getName()).setDisplayName("Renamed"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name")).build()).getDisplayName())
                .isEqualTo("Renamed");

        SupervisedFineTuningJobsGrpc.SupervisedFineTuningJobsBlockingStub sft = withKey(
                SupervisedFineTuningJobsGrpc.newBlockingStub(GrpcChannel.channel()));
        SupervisedFineTuningJob job = sft.createSupervisedFineTuningJob(CreateSupervisedFineTuningJobRequest
                .newBuilder().setParent("accounts/acme").setSupervisedFineTuningJobId("grpc-tune")
                .setSupervisedFineTuningJob(SupervisedFineTuningJob.newBuilder().setDataset(created.getName())
                        .setBaseModel(LLAMA_8B).setEpochs(3))
                .build());
        assertThat(job.getState()).isEqualTo("JOB_STATE_CREATING");
        assertThat(job.getEpochs()).isEqualTo(3);
        assertThat(job.getLoraRank()).isEqualTo(8);
        assertThat(job.getJobProgress().getTotalInputRequests()).isEqualTo(9);
        asAdmin().get("/v1/" + job.getName()).then().statusCode(200).body("epochs", equalTo(3));
        assertThat(sft.listSupervisedFineTuningJobs(ListSupervisedFineTuningJobsRequest.newBuilder()
                .setParent("accounts/acme").setFilter("outputModel=\"grpc-tune\"").build())
                .getSupervisedFineTuningJobsList()).extracting(SupervisedFineTuningJob::getName)
                .containsExactly(job.getName());
        sft.cancelSupervisedFineTuningJob(CancelSupervisedFineTuningJobRequest.newBuilder().setName(job.getName())
                .build());
        assertThat(sft.getSupervisedFineTuningJob(GetSupervisedFineTuningJobRequest.newBuilder()
                .setName(job.getName()).build()).getState()).isEqualTo("JOB_STATE_CANCELLED");
        assertThat(sft.resumeSupervisedFineTuningJob(ResumeSupervisedFineTuningJobRequest.newBuilder()
                .setName(job.getName()).build()).getState()).isEqualTo("JOB_STATE_PENDING");

        StatusRuntimeException bad = catchThrowableOfType(() -> sft.createSupervisedFineTuningJob(
                CreateSupervisedFineTuningJobRequest.newBuilder().setParent("accounts/acme")
                        .setSupervisedFineTuningJob(SupervisedFineTuningJob.newBuilder().setDataset(created.getName())
                                .setBaseModel(LLAMA_8B).setLoraRank(7))
                        .build()),
                StatusRuntimeException.class);
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(bad.getStatus().getDescription()).contains("loraRank");

        BatchInferenceJobsGrpc.BatchInferenceJobsBlockingStub batch = withKey(
                BatchInferenceJobsGrpc.newBlockingStub(GrpcChannel.channel()));
        BatchInferenceJob b = batch.createBatchInferenceJob(CreateBatchInferenceJobRequest.newBuilder()
                .setParent("accounts/acme").setBatchInferenceJobId("grpc-batch")
                .setBatchInferenceJob(BatchInferenceJob.newBuilder().setModel(LLAMA_8B)
                        .setInputDatasetId(created.getName())
                        .setInferenceParameters(BatchInferenceJob.InferenceParameters.newBuilder().setTemperature(0)))
                .build());
        assertThat(b.getOutputDatasetId()).isEqualTo("accounts/acme/datasets/grpc-batch-output");
        assertThat(b.getInferenceParameters().hasTemperature()).isTrue();
        assertThat(b.getInferenceParameters().getMaxTokens()).isEqualTo(1024);
        assertThat(batch.listBatchInferenceJobs(ListBatchInferenceJobsRequest.newBuilder().setParent("accounts/acme")
                .setFilter("displayName=\"grpc-batch\"").build()).getBatchInferenceJobsCount()).isEqualTo(1);
    }
}
