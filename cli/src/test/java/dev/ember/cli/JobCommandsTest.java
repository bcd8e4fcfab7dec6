package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code dataset}, {@code sftj} and {@code batch-inference-job}: flags turned into requests ({@code --dry-run}), and
 * lists and {@code --wait} against a stand-in API that answers canned resources (the real platform is in CliIT).
 */
class JobCommandsTest {

    @TempDir
    Path home;

    private HttpServer server;
    /** Answers of GET requests by path; the last one of a path is repeated. */
    private final Map<String, Deque<String>> answers = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/", exchange -> {
            Deque<String> queue = answers.get(exchange.getRequestURI().getPath());
            String body = queue == null
                    ? "{\"code\": 5, \"message\": \"not found\", \"status\": \"NOT_FOUND\"}"
                    : queue.size() > 1 ? queue.poll() : queue.peek();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(queue == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(String path, String... bodies) {
        answers.put(path, new ArrayDeque<>(List.of(bodies)));
    }

    private CliEnvironment environment() {
        return Cli.environment(home, Map.of("EMBER_ACCOUNT_ID", "acme", "EMBER_API_KEY", "em_test",
                "EMBER_API_BASE", "http://127.0.0.1:" + server.getAddress().getPort()));
    }

    private Cli.Result ember(String... args) {
        return Cli.run(environment(), args);
    }

    @Test
    void sftjCreateSendsEveryFlagAsTheApiField() {
        Cli.Result result = ember("sftj", "create", "--base-model", "llama-v3p1-8b-instruct", "--dataset", "train",
                "--output-model", "my-lora", "--job-id", "tune-1", "--epochs", "3", "--learning-rate", "0.0002",
                "--lora-rank", "16", "--max-context-length", "4096", "--display-name", "First tune", "--dry-run",
                "-o", "json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode request = ApiClient.parse(result.out());
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).endsWith(
                "/v1/accounts/acme/supervisedFineTuningJobs?supervisedFineTuningJobId=tune-1");
        assertThat(request.path("body")).isEqualTo(ApiClient.parse("""
                {"displayName": "First tune", "dataset": "accounts/acme/datasets/train",
                 "baseModel": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                 "outputModel": "accounts/acme/models/my-lora", "epochs": 3, "learningRate": 0.0002,
                 "loraRank": 16, "maxContextLength": 4096}"""));
    }

    @Test
    void sftjCreateWithoutItsDatasetIsAUsageError() {
        Cli.Result result = ember("sftj", "create", "--base-model", "llama-v3p1-8b-instruct");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Missing required option: '--dataset=DATASET'", "Usage: ember sftj create");
    }

    @Test
    void sftjCancelAndResumePostToTheirMethods() {
        assertThat(ember("sftj", "cancel", "tune-1", "--dry-run").out()).isEqualTo("POST http://127.0.0.1:"
                + server.getAddress().getPort() + "/v1/accounts/acme/supervisedFineTuningJobs/tune-1:cancel\n");
        assertThat(ember("sftj", "resume", "accounts/other/supervisedFineTuningJobs/t", "--dry-run").out())
                .endsWith("/v1/accounts/other/supervisedFineTuningJobs/t:resume\n");
    }

    @Test
    void batchInferenceJobCreateSendsItsInferenceParameters() {
        Cli.Result result = ember("batch-inference-job", "create", "--model", "llama-v3p1-8b-instruct",
                "--input-dataset", "requests", "--output-dataset", "answers", "--job-id", "batch-1",
                "--max-tokens", "64", "--temperature", "0.5", "--top-p", "0.9", "--top-k", "40", "--n", "2",
                "--dry-run", "-o", "json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode request = ApiClient.parse(result.out());
        assertThat(request.path("url").asText()).endsWith(
                "/v1/accounts/acme/batchInferenceJobs?batchInferenceJobId=batch-1");
        assertThat(request.path("body")).isEqualTo(ApiClient.parse("""
                {"model": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                 "inputDatasetId": "accounts/acme/datasets/requests",
                 "outputDatasetId": "accounts/acme/datasets/answers",
                 "inferenceParameters": {"maxTokens": 64, "temperature": 0.5, "topP": 0.9, "topK": 40, "n": 2}}"""));

        JsonNode bare = ApiClient.parse(ember("batch-inference-job", "create", "--model", "accounts/acme/models/mine",
                "--input-dataset", "requests", "--dry-run", "-o", "json").out()).path("body");
        assertThat(bare).isEqualTo(ApiClient.parse("""
                {"model": "accounts/acme/models/mine", "inputDatasetId": "accounts/acme/datasets/requests"}"""));
    }

    @Test
    void datasetCreateWithAFileShowsTheCreateItWouldSendFirst() throws IOException {
        Path file = Files.writeString(home.resolve("train.jsonl"), "{\"messages\": []}\n");

        Cli.Result result = ember("dataset", "create", "train", file.toString(), "--display-name", "Train",
                "--dry-run");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).endsWith("""
                /v1/accounts/acme/datasets
                {
                  "datasetId" : "train",
                  "dataset" : {
                    "displayName" : "Train"
                  }
                }
                """);
        Cli.Result upload = ember("dataset", "upload", "train", file.toString(), "--dry-run", "-o", "json");
        JsonNode request = ApiClient.parse(upload.out());
        assertThat(request.path("url").asText()).endsWith("/v1/accounts/acme/datasets/train:getUploadEndpoint");
        assertThat(request.path("body")).isEqualTo(ApiClient.parse("{\"filenameToSize\": {\"train.jsonl\": 17}}"));
    }

    @Test
    void aDatasetIsOneFileSoAFolderIsAUsageError() {
        Cli.Result result = ember("dataset", "upload", "train", home.toString(), "--dry-run");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).isEqualTo("ember: " + home + " is not a file\n");
    }

    @Test
    void listsAreTablesWithTheJobsStateAndProgress() {
        answer("/v1/accounts/acme/datasets", """
                {"datasets": [{"name": "accounts/acme/datasets/train", "state": "READY", "format": "CHAT",
                  "exampleCount": "120", "estimatedTokenCount": "9000", "createTime": "2026-11-30T10:00:00.123Z"}],
                 "nextPageToken": "abc"}""");
        answer("/v1/accounts/acme/supervisedFineTuningJobs", """
                {"supervisedFineTuningJobs": [{"name": "accounts/acme/supervisedFineTuningJobs/tune-1",
                  "state": "JOB_STATE_RUNNING", "baseModel": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                  "dataset": "accounts/acme/datasets/train", "outputModel": "accounts/acme/models/my-lora",
                  "jobProgress": {"percent": 42}, "createTime": "2026-11-30T10:01:00Z"}]}""");
        answer("/v1/accounts/acme/batchInferenceJobs", """
                {"batchInferenceJobs": [{"name": "accounts/acme/batchInferenceJobs/batch-1",
                  "state": "JOB_STATE_COMPLETED", "model": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                  "inputDatasetId": "accounts/acme/datasets/requests",
                  "outputDatasetId": "accounts/acme/datasets/batch-1-output",
                  "jobProgress": {"totalInputRequests": 4, "totalProcessedRequests": 4},
                  "createTime": "2026-11-30T10:02:00Z"}]}""");

        Cli.Result datasets = ember("dataset", "list");
        assertThat(datasets.out()).isEqualTo("""
                ID      STATE   FORMAT   EXAMPLES   TOKENS   CREATED
                train   READY   CHAT     120        9000     2026-11-30T10:00:00Z
                """);
        assertThat(datasets.err()).isEqualTo("More results: add --page-token abc\n");
        assertThat(ember("sftj", "list").out()).isEqualTo(
                """
                        ID       STATE     PROGRESS   BASE MODEL                                         DATASET   OUTPUT MODEL   CREATED
                        tune-1   RUNNING   42%        accounts/fireworks/models/llama-v3p1-8b-instruct   train     my-lora        2026-11-30T10:01:00Z
                        """);
        assertThat(ember("batch-inference-job", "list").out()).isEqualTo(
                """
                        ID        STATE       PROGRESS   MODEL                                              INPUT      OUTPUT           CREATED
                        batch-1   COMPLETED   100%       accounts/fireworks/models/llama-v3p1-8b-instruct   requests   batch-1-output   2026-11-30T10:02:00Z
                        """);
        assertThat(ApiClient.parse(ember("sftj", "list", "-o", "json").out()).path("supervisedFineTuningJobs")
                .path(0).path("state").asText()).isEqualTo("JOB_STATE_RUNNING");
    }

    @Test
    void resumeWithWaitFollowsTheJobToItsEndAndAFailureExits5WithItsMessage() {
        String job = "/v1/accounts/acme/supervisedFineTuningJobs/tune-1";
        answer(job + ":resume", """
                {"name": "accounts/acme/supervisedFineTuningJobs/tune-1", "state": "JOB_STATE_PENDING"}""");
        answer(job, """
                {"name": "accounts/acme/supervisedFineTuningJobs/tune-1", "state": "JOB_STATE_RUNNING",
                 "jobProgress": {"percent": 50}}""", """
                {"name": "accounts/acme/supervisedFineTuningJobs/tune-1", "state": "JOB_STATE_FAILED",
                 "status": {"code": "INTERNAL", "message": "the node of the job was lost"},
                 "jobProgress": {"percent": 50}}""");

        Cli.Result result = ember("sftj", "resume", "tune-1", "--wait");

        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(ExitCodes.WAIT_FAILED);
        assertThat(result.out()).containsPattern("(?m)^\\[\\d+s\\] fine-tuning job tune-1: RUNNING 50%$")
                .containsPattern("(?m)^fine-tuning job tune-1: FAILED: the node of the job was lost after \\d+s$");
        assertThat(result.err()).isEqualTo(
                "ember: fine-tuning job tune-1 failed: FAILED: the node of the job was lost\n");
    }
}
