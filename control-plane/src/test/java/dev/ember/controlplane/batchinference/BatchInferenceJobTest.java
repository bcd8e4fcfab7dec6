package dev.ember.controlplane.batchinference;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.model.ModelFixtures.EVENT_WAIT;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_8B;
import static dev.ember.controlplane.model.ModelFixtures.assertBadField;
import static dev.ember.controlplane.model.ModelFixtures.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.controlplane.TestAccounts;
import dev.ember.controlplane.dataset.DatasetFixtures;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Batch inference jobs in the control plane with real PostgreSQL and Kafka; the tests play the scheduler's part by
 * publishing its progress reports. Once every row is done the control plane writes the answers to the output dataset.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class BatchInferenceJobTest {

    static final String JOBS = "/v1/accounts/acme/batchInferenceJobs";
    static final String QUESTIONS = """
            {"custom_id": "q1", "body": {"messages": [{"role": "user", "content": "Why is the sky blue?"}]}}
            {"custom_id": "q2", "body": {"messages": [{"role": "user", "content": "Name a prime."}]}}
            {"messages": [{"role": "user", "content": "Hello"}]}
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRowIsAnsweredIntoTheOutputDataset() throws Exception {
        String input = DatasetFixtures.ready(ADMIN_KEY, "acme", "bij-questions", QUESTIONS);
        String job = "accounts/acme/batchInferenceJobs/answer-all";
        asAdmin().body("{\"model\": \"" + LLAMA_8B + "\", \"inputDatasetId\": \"" + input + "\", "
                + "\"inferenceParameters\": {\"maxTokens\": 16, \"temperature\": 0.5, \"n\": 2}}")
                .post(JOBS + "?batchInferenceJobId=answer-all").then().statusCode(200)
                .body("state", equalTo("JOB_STATE_CREATING"))
                .body("outputDatasetId", equalTo("accounts/acme/datasets/answer-all-output"))
                .body("inferenceParameters.maxTokens", equalTo(16))
                .body("jobProgress.totalInputRequests", equalTo(3));
        // The output dataset exists at once, written by the job.
        asAdmin().get("/v1/accounts/acme/datasets/answer-all-output").then().statusCode(200)
                .body("state", equalTo("UPLOADING")).body("sourceJobName", equalTo(job));

        JobSpec spec = kafka().first(EventTypes.JOB_UPDATED, e -> e.subject().equals(job), EVENT_WAIT).orElseThrow()
                .data().job();
        assertThat(spec.kind()).isEqualTo(JobSpec.BATCH_INFERENCE);
        assertThat(spec.totalUnits()).isEqualTo(3);
        report(spec, 1, JobProgressReported.RUNNING, 1);
        await().atMost(EVENT_WAIT).untilAsserted(() -> asAdmin().get("/v1/" + job).then()
                .body("state", equalTo("JOB_STATE_RUNNING")).body("jobProgress.totalProcessedRequests", equalTo(1)));
        report(spec, 2, JobProgressReported.COMPLETED, 3);
        await().atMost(EVENT_WAIT).untilAsserted(() -> asAdmin().get("/v1/" + job).then()
                .body("state", equalTo("JOB_STATE_COMPLETED"))
                .body("jobProgress.outputRows", equalTo(3)));

        asAdmin().get("/v1/accounts/acme/datasets/answer-all-output").then().statusCode(200)
                .body("state", equalTo("READY")).body("exampleCount", equalTo("3"));
        String url = asAdmin().get("/v1/accounts/acme/datasets/answer-all-output:getDownloadEndpoint").then()
                .statusCode(200).extract().jsonPath().getString("filenameToSignedUrls['results.jsonl']");
        String results = new String(given().get(url).then().statusCode(200).extract().asByteArray(),
                StandardCharsets.UTF_8);
        List<String> lines = results.lines().toList();
        assertThat(lines).hasSize(3);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("custom_id").asText()).isEqualTo("q1");
        assertThat(first.at("/response/choices")).hasSize(2);
        assertThat(first.at("/response/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(first.at("/response/choices/0/message/content").asText().split(" ")).hasSizeLessThanOrEqualTo(16);
        assertThat(first.at("/response/usage/completion_tokens").asInt()).isBetween(2, 32);
        assertThat(JSON.readTree(lines.get(2)).get("custom_id").asText()).isEqualTo("row-3");

        // The input and the finished output stay; deleting the job keeps the results.
        asAdmin().delete("/v1/" + job).then().statusCode(200);
        asAdmin().get("/v1/accounts/acme/datasets/answer-all-output").then().statusCode(200);
    }

    @Test
    void badJobsAreRefusedFieldByFieldAndOtherAccountsSeeNothing() {
        String input = DatasetFixtures.ready(ADMIN_KEY, "acme", "bij-checks", QUESTIONS);
        assertBadField(create("no-model", "{\"inputDatasetId\": \"" + input + "\"}"), "model");
        assertBadField(create("no-input", "{\"model\": \"" + LLAMA_8B + "\"}"), "inputDatasetId");
        assertBadField(create("params", "{\"model\": \"" + LLAMA_8B + "\", \"inputDatasetId\": \"" + input + "\", "
                + "\"inferenceParameters\": {\"maxTokens\": 0, \"temperature\": 3, \"topP\": 0, \"n\": 9, "
                + "\"extraBody\": \"{}\"}}"), "inferenceParameters.maxTokens")
                .body("details.fieldViolations.flatten().field", equalTo(List.of("inferenceParameters.maxTokens",
                        "inferenceParameters.temperature", "inferenceParameters.topP", "inferenceParameters.n",
                        "inferenceParameters.extraBody")));
        assertBadField(create("missing-model", "{\"model\": \"accounts/fireworks/models/nope\", "
                + "\"inputDatasetId\": \"" + input + "\"}"), "model");
        assertBadField(create("embedder", "{\"model\": \"accounts/fireworks/models/nomic-embed-text-v1p5\", "
                + "\"inputDatasetId\": \"" + input + "\"}"), "model")
                .body("message", containsString("is an embedding model"));
        assertBadField(create("missing-input", "{\"model\": \"" + LLAMA_8B + "\", "
                + "\"inputDatasetId\": \"accounts/acme/datasets/nope\"}"), "inputDatasetId");
        assertBadField(create("taken-output", "{\"model\": \"" + LLAMA_8B + "\", \"inputDatasetId\": \"" + input
                + "\", \"outputDatasetId\": \"" + input + "\"}"), "outputDatasetId")
                .body("message", containsString("already exists"));

        String beta = TestAccounts.ordinaryKey("bij-beta", "user");
        String gamma = TestAccounts.ordinaryKey("bij-gamma", "user");
        String betaInput = DatasetFixtures.ready(beta, "bij-beta", "beta-in", QUESTIONS);
        as(beta).body("{\"model\": \"" + LLAMA_8B + "\", \"inputDatasetId\": \"beta-in\"}")
                .post("/v1/accounts/bij-beta/batchInferenceJobs?batchInferenceJobId=beta-batch")
                .then().statusCode(200).body("inputDatasetId", equalTo(betaInput));
        as(gamma).get("/v1/accounts/bij-beta/batchInferenceJobs/beta-batch").then().statusCode(404);
        as(gamma).delete("/v1/accounts/bij-beta/batchInferenceJobs/beta-batch").then().statusCode(404);
        assertBadField(as(gamma).body("{\"model\": \"" + LLAMA_8B + "\", \"inputDatasetId\": \"" + betaInput + "\"}")
                .post("/v1/accounts/bij-gamma/batchInferenceJobs?batchInferenceJobId=steal"), "inputDatasetId");
        as(beta).get("/v1/accounts/bij-beta/batchInferenceJobs").then().statusCode(200)
                .body("batchInferenceJobs.name", equalTo(List.of("accounts/bij-beta/batchInferenceJobs/beta-batch")));
        // A running job's datasets cannot be deleted; deleting the unfinished job removes its empty output.
        as(beta).delete("/v1/" + betaInput).then().statusCode(400).body("status", equalTo("FAILED_PRECONDITION"));
        as(beta).delete("/v1/accounts/bij-beta/batchInferenceJobs/beta-batch").then().statusCode(200);
        as(beta).get("/v1/accounts/bij-beta/datasets/beta-batch-output").then().statusCode(404);
        as(beta).delete("/v1/" + betaInput).then().statusCode(200);
    }

    static Response create(String id, String body) {
        return asAdmin().body(body).post(JOBS + "?batchInferenceJobId=" + id);
    }

    static void report(JobSpec spec, long sequence, String state, long done) {
        kafka().publish(EventTypes.JOB_PROGRESS_REPORTED, spec.name(), new JobProgressReported(spec.name(),
                spec.uid(), spec.kind(), spec.generation(), sequence, state, done, spec.totalUnits(),
                (int) (done * 100 / spec.totalUnits()), 0, "US_IOWA_1", spec.acceleratorType(),
                spec.acceleratorCount(), "", Instant.now()));
    }
}
