package dev.ember.controlplane.finetuning;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.dataset.DatasetFixtures.CHAT;
import static dev.ember.controlplane.model.ModelFixtures.EVENT_WAIT;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_8B;
import static dev.ember.controlplane.model.ModelFixtures.assertBadField;
import static dev.ember.controlplane.model.ModelFixtures.assertFailedPrecondition;
import static dev.ember.controlplane.model.ModelFixtures.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.event.ModelSpec;
import dev.ember.controlplane.TestAccounts;
import dev.ember.controlplane.dataset.DatasetFixtures;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Supervised fine-tuning jobs in the control plane, with real PostgreSQL and Kafka. No scheduler runs here: the tests
 * read the commands the control plane publishes on ember.jobs and publish the progress reports a scheduler would.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class FineTuningJobTest {

    static final String JOBS = "/v1/accounts/acme/supervisedFineTuningJobs";
    static final Duration STATE_WAIT = Duration.ofSeconds(20);

    @Test
    void aJobRunsToCompletionAndItsLoraIsReadyToLoad() {
        String dataset = DatasetFixtures.ready(ADMIN_KEY, "acme", "sft-train", CHAT);
        String job = "accounts/acme/supervisedFineTuningJobs/tune-1";
        create("tune-1", "{\"dataset\": \"" + dataset + "\", \"baseModel\": \"" + LLAMA_8B + "\", "
                + "\"outputModel\": \"tuned-lora\", \"epochs\": 2, \"loraRank\": 16, \"learningRate\": 0.0002, "
                + "\"displayName\": \"First tune\"}")
                .then().statusCode(200)
                .body("name", equalTo(job))
                .body("state", equalTo("JOB_STATE_CREATING"))
                .body("dataset", equalTo(dataset))
                .body("baseModel", equalTo(LLAMA_8B))
                .body("outputModel", equalTo("accounts/acme/models/tuned-lora"))
                .body("epochs", equalTo(2))
                .body("loraRank", equalTo(16))
                .body("learningRate", equalTo(0.0002f))
                .body("maxContextLength", equalTo(131072))
                .body("jobProgress.percent", equalTo(0))
                .body("jobProgress.totalInputRequests", equalTo(6));

        JobSpec spec = command(job, 1);
        assertThat(spec.kind()).isEqualTo(JobSpec.SUPERVISED_FINE_TUNING);
        assertThat(spec.desiredState()).isEqualTo(JobSpec.RUN);
        assertThat(spec.totalUnits()).isEqualTo(6);
        assertThat(spec.unitsPerEpoch()).isEqualTo(3);
        assertThat(spec.acceleratorType()).isEqualTo("NVIDIA_H100_80GB");
        assertThat(spec.acceleratorCount()).isEqualTo(1);

        report(spec, 1, JobProgressReported.PENDING, 0, "no NVIDIA_H100_80GB capacity for 1 GPU(s) in any region");
        awaitJob(job, "JOB_STATE_PENDING").body("status.message", containsString("no NVIDIA_H100_80GB capacity"));
        report(spec, 2, JobProgressReported.RUNNING, 3, "");
        awaitJob(job, "JOB_STATE_RUNNING")
                .body("jobProgress.percent", equalTo(50))
                .body("jobProgress.totalProcessedRequests", equalTo(3))
                .body("status.message", equalTo("training on 1 x NVIDIA_H100_80GB in US_IOWA_1"));
        report(spec, 3, JobProgressReported.COMPLETED, 6, "");
        awaitJob(job, "JOB_STATE_COMPLETED")
                .body("jobProgress.percent", equalTo(100))
                .body("completedTime", matchesPattern("\\d{4}-.*Z"));

        asAdmin().get("/v1/accounts/acme/models/tuned-lora").then().statusCode(200)
                .body("kind", equalTo("HF_PEFT_ADDON"))
                .body("state", equalTo("READY"))
                .body("peftDetails.baseModel", equalTo(LLAMA_8B))
                .body("peftDetails.r", equalTo(16));
        ModelSpec created = kafka().first(EventTypes.MODEL_CREATED,
                e -> e.subject().equals("accounts/acme/models/tuned-lora"), EVENT_WAIT).orElseThrow().data().model();
        assertThat(created.state()).isEqualTo("READY");
        assertThat(created.baseModel()).isEqualTo(LLAMA_8B);
        assertThat(created.loraRank()).isEqualTo(16);

        // It loads onto a deployment of its base model like any LoRA addon.
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"enableAddons\": true}")
                .post("/v1/accounts/acme/deployments?deploymentId=tuned-serving").then().statusCode(200);
        asAdmin().body("{\"model\": \"accounts/acme/models/tuned-lora\", "
                + "\"deployment\": \"accounts/acme/deployments/tuned-serving\"}")
                .post("/v1/accounts/acme/deployedModels?deployedModelId=tuned-on-serving")
                .then().statusCode(200).body("state", equalTo("DEPLOYING"));

        // A redelivered or stale report changes nothing.
        report(spec, 2, JobProgressReported.RUNNING, 3, "");
        report(spec, 4, JobProgressReported.FAILED, 6, "late");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> asAdmin()
                .get("/v1/" + job).then().body("state", equalTo("JOB_STATE_COMPLETED")));
        assertFailedPrecondition(asAdmin().body("{}").post("/v1/" + job + ":cancel"), "JOB_ENDED");
        assertFailedPrecondition(asAdmin().body("{}").post("/v1/" + job + ":resume"), "JOB_NOT_RESUMABLE");
    }

    @Test
    void aCancelledJobFreesItsGpusAndResumesFromItsProgress() {
        String dataset = DatasetFixtures.ready(ADMIN_KEY, "acme", "sft-resume", CHAT);
        String job = "accounts/acme/supervisedFineTuningJobs/tune-resume";
        create("tune-resume", "{\"dataset\": \"" + dataset + "\", \"baseModel\": \""
                + "accounts/fireworks/models/llama-v3p1-70b-instruct\", \"epochs\": 4}").then().statusCode(200)
                .body("outputModel", equalTo("accounts/acme/models/tune-resume"));
        JobSpec first = command(job, 1);
        assertThat(first.acceleratorCount()).isEqualTo(4);
        report(first, 1, JobProgressReported.RUNNING, 9, "");
        awaitJob(job, "JOB_STATE_RUNNING").body("jobProgress.percent", equalTo(75)).body("jobProgress.epoch",
                equalTo(3));

        // The dataset a running job reads cannot go.
        assertFailedPrecondition(asAdmin().delete("/v1/" + dataset), "DATASET_IN_USE");

        asAdmin().body("{}").post("/v1/" + job + ":cancel").then().statusCode(200).body("$", equalTo(Map.of()));
        asAdmin().get("/v1/" + job).then().body("state", equalTo("JOB_STATE_CANCELLED"))
                .body("status.code", equalTo("CANCELLED"));
        JobSpec cancel = command(job, 2);
        assertThat(cancel.desiredState()).isEqualTo(JobSpec.CANCEL);
        // Cancelling again is a no-op; a report about the old run is dropped.
        asAdmin().body("{}").post("/v1/" + job + ":cancel").then().statusCode(200);
        report(first, 2, JobProgressReported.COMPLETED, 12, "");

        asAdmin().body("{}").post("/v1/" + job + ":resume").then().statusCode(200)
                .body("state", equalTo("JOB_STATE_PENDING"))
                .body("status.message", containsString("resuming at 75%"));
        JobSpec resumed = command(job, 3);
        assertThat(resumed.desiredState()).isEqualTo(JobSpec.RUN);
        assertThat(resumed.completedUnits()).isEqualTo(9);
        report(resumed, 1, JobProgressReported.COMPLETED, 12, "");
        awaitJob(job, "JOB_STATE_COMPLETED");
        asAdmin().get("/v1/accounts/acme/models/tune-resume").then().statusCode(200).body("state", equalTo("READY"));

        asAdmin().delete("/v1/" + job).then().statusCode(200);
        asAdmin().get("/v1/" + job).then().statusCode(404);
        assertThat(command(job, 4).desiredState()).isEqualTo(JobSpec.DELETE);
        // The trained model outlives its job; the dataset is free again.
        asAdmin().get("/v1/accounts/acme/models/tune-resume").then().statusCode(200);
        asAdmin().delete("/v1/" + dataset).then().statusCode(200);
    }

    @Test
    void badJobsAreRefusedFieldByField() {
        String dataset = DatasetFixtures.ready(ADMIN_KEY, "acme", "sft-checks", CHAT);
        String good = "\"dataset\": \"" + dataset + "\", \"baseModel\": \"" + LLAMA_8B + "\"";
        assertBadField(create("Bad_Id", "{" + good + "}"), "supervisedFineTuningJobId");
        assertBadField(create("no-dataset", "{\"baseModel\": \"" + LLAMA_8B + "\"}"), "dataset");
        assertBadField(create("no-base", "{\"dataset\": \"" + dataset + "\"}"), "baseModel");
        assertBadField(create("ranges", "{" + good + ", \"epochs\": 0, \"loraRank\": 7, \"learningRate\": -1, "
                + "\"batchSize\": 0}"), "epochs")
                .body("details.fieldViolations.flatten().field", equalTo(List.of("epochs", "learningRate",
                        "loraRank", "batchSize")));
        assertBadField(create("too-long", "{" + good + ", \"maxContextLength\": 200000}"), "maxContextLength");
        assertBadField(create("warm", "{" + good + ", \"warmStartFrom\": \"accounts/acme/models/x\"}"),
                "warmStartFrom");
        assertBadField(create("no-lora", "{\"dataset\": \"" + dataset + "\", \"baseModel\": "
                + "\"accounts/fireworks/models/gpt-oss-120b\"}"), "baseModel")
                .body("message", containsString("does not support LoRA"));
        assertBadField(create("embedder", "{\"dataset\": \"" + dataset + "\", \"baseModel\": "
                + "\"accounts/fireworks/models/nomic-embed-text-v1p5\"}"), "baseModel")
                .body("message", containsString("is an embedding model"));
        assertBadField(create("missing-model", "{\"dataset\": \"" + dataset + "\", \"baseModel\": "
                + "\"accounts/fireworks/models/nope\"}"), "baseModel");
        assertBadField(create("unknown-field", "{" + good + ", \"isTurbo\": true}"), "isTurbo");

        DatasetFixtures.create(ADMIN_KEY, "acme", "sft-uploading", "{}").then().statusCode(200);
        assertBadField(create("not-ready", "{\"dataset\": \"accounts/acme/datasets/sft-uploading\", "
                + "\"baseModel\": \"" + LLAMA_8B + "\"}"), "dataset").body("message", containsString("UPLOADING"));
        String questions = DatasetFixtures.ready(ADMIN_KEY, "acme", "sft-questions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Why?\"}]}\n");
        assertBadField(create("no-answers", "{\"dataset\": \"" + questions + "\", \"baseModel\": \"" + LLAMA_8B
                + "\"}"), "dataset").body("message", containsString("batch inference, not fine-tuning"));

        create("taken-output", "{" + good + ", \"outputModel\": \"taken-out\"}").then().statusCode(200);
        assertBadField(create("taken-again", "{" + good + ", \"outputModel\": \"taken-out\"}"), "outputModel");
        create("taken-output", "{" + good + ", \"outputModel\": \"other-out\"}").then().statusCode(409);

        // No ID: a UUID is made.
        asAdmin().body("{" + good + ", \"outputModel\": \"from-uuid\"}").post(JOBS).then().statusCode(200)
                .body("name", matchesPattern("accounts/acme/supervisedFineTuningJobs/[0-9a-f-]{36}"));
        asAdmin().get(JOBS + "?filter=outputModel=\"from-uuid\"").then().statusCode(200)
                .body("totalSize", equalTo(1));
    }

    @Test
    void anotherAccountsJobsAreNotFoundAndItsDatasetsCannotBeUsed() {
        String beta = TestAccounts.ordinaryKey("sft-beta", "user");
        String gamma = TestAccounts.ordinaryKey("sft-gamma", "user");
        String betaData = DatasetFixtures.ready(beta, "sft-beta", "beta-data", CHAT);
        as(beta).body("{\"dataset\": \"" + betaData + "\", \"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/sft-beta/supervisedFineTuningJobs?supervisedFineTuningJobId=beta-job")
                .then().statusCode(200);
        String job = "/v1/accounts/sft-beta/supervisedFineTuningJobs/beta-job";

        as(gamma).get(job).then().statusCode(404);
        as(gamma).body("{}").post(job + ":cancel").then().statusCode(404);
        as(gamma).body("{}").post(job + ":resume").then().statusCode(404);
        as(gamma).delete(job).then().statusCode(404);
        as(gamma).get("/v1/accounts/sft-beta/supervisedFineTuningJobs").then().statusCode(404);
        // Gamma cannot train on beta's dataset.
        assertBadField(as(gamma).body("{\"dataset\": \"" + betaData + "\", \"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/sft-gamma/supervisedFineTuningJobs?supervisedFineTuningJobId=steal"), "dataset");
        as(beta).get("/v1/accounts/sft-beta/supervisedFineTuningJobs").then().statusCode(200)
                .body("supervisedFineTuningJobs.name", equalTo(List.of("accounts/sft-beta/supervisedFineTuningJobs/"
                        + "beta-job")))
                .body("supervisedFineTuningJobs[0].createdBy", equalTo("user"));
    }

    static Response create(String id, String body) {
        return asAdmin().body(body).post(JOBS + "?supervisedFineTuningJobId=" + id);
    }

    /** The control plane's command of that generation for the job, as the scheduler receives it. */
    static JobSpec command(String job, long generation) {
        return kafka().first(EventTypes.JOB_UPDATED, e -> e.subject().equals(job)
                && e.data().job().generation() == generation, EVENT_WAIT).orElseThrow().data().job();
    }

    /** Publishes a progress report as the scheduler would. */
    static void report(JobSpec spec, long sequence, String state, long done, String message) {
        int percent = (int) (done * 100 / spec.totalUnits());
        int epoch = (int) Math.min(spec.totalUnits() / spec.unitsPerEpoch() - 1, done / spec.unitsPerEpoch());
        kafka().publish(EventTypes.JOB_PROGRESS_REPORTED, spec.name(), new JobProgressReported(spec.name(),
                spec.uid(), spec.kind(), spec.generation(), sequence, state, done, spec.totalUnits(), percent, epoch,
                "US_IOWA_1", spec.acceleratorType(), spec.acceleratorCount(), message, Instant.now()));
    }

    static io.restassured.response.ValidatableResponse awaitJob(String job, String state) {
        await().atMost(STATE_WAIT).untilAsserted(() -> asAdmin().get("/v1/" + job).then().statusCode(200)
                .body("state", equalTo(state)));
        return asAdmin().get("/v1/" + job).then();
    }
}
