package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.cli.CliEnvironment;
import dev.ember.cli.ExitCodes;

import picocli.CommandLine;

/**
 * The {@code ember} CLI against a running platform, command by command as a user types them, through the launcher's
 * one entry point (in this JVM, with captured output). The platform runs with a 30x clock so replicas come up and
 * jobs run fast; settings come from the {@code auth.ini} the platform writes, as after {@code ember up}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final String DEPLOYMENT = "cli-first";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ERASE_LINE = "\r\033[2K";

    private final ObjectMapper json = new ObjectMapper();
    private final Path repo = Path.of("../..").toAbsolutePath().normalize();
    private final Path home = Path.of("target/cli-home").toAbsolutePath();
    private LocalPlatform.Running platform;
    private PlatformClient client;

    @RegisterExtension
    final TestWatcher printLogsOnFailure = PlatformClient.printLogsOnFailure(home, 60);

    @BeforeAll
    void startPlatform() throws IOException {
        PlatformClient.deleteTree(home);
        platform = LocalPlatform.start(new LocalPlatform.Options(repo, home, home.resolve("auth.ini"), "127.0.0.1",
                0, 0, 0, 0, 0, 30));
        client = new PlatformClient(platform);
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    record Result(int exitCode, String out, String err) {

        String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code ember ARGS} with EMBER_HOME at the platform's home, so its auth.ini gives account, key and URLs. */
    private Result ember(boolean tty, String stdin, String... args) {
        CliEnvironment env = new CliEnvironment(Map.of("EMBER_HOME", home.toString()), home,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), tty, Clock.systemUTC(),
                Duration.ofMillis(250));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = LauncherCommand.commandLine(env);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result ember(String... args) {
        return ember(false, "", args);
    }

    private Result ok(String... args) {
        Result result = ember(args);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }

    private JsonNode parse(String text) throws IOException {
        return json.readTree(text);
    }

    @Test
    @Order(1)
    void whoamiTellsTheAccountUserAndRoleOfTheKeyInAuthIni() throws IOException {
        Result text = ok("whoami");
        assertThat(text.out()).contains("account: accounts/" + platform.accountId() + "\n",
                "user: accounts/" + platform.accountId() + "/users/admin\n", "role: admin\n",
                "apiBase: " + platform.controlPlaneUrl() + "\n");

        JsonNode me = parse(ok("whoami", "-o", "json").out());
        assertThat(me.path("apiKeyPrefix").asText()).isEqualTo(platform.apiKey().substring(0, 8));
    }

    @Test
    @Order(2)
    void createWithWaitPrintsOneLinePerChangeWhenNotATerminalThenTheReadyDeployment() {
        Result created = ok("deployment", "create", "llama-v3p1-8b-instruct", "--deployment-id", DEPLOYMENT,
                "--max-replica-count", "2", "--enable-addons", "--display-name", "From the CLI", "--wait",
                "--wait-timeout", "3m");

        assertThat(created.out()).doesNotContain("\r", "\033")
                .containsPattern("(?m)^\\[\\d+s\\] deployment cli-first: CREATING")
                .containsPattern("(?m)^deployment cli-first: READY \\(1 ready\\) after \\d+")
                .contains("name: accounts/" + platform.accountId() + "/deployments/" + DEPLOYMENT + "\n",
                        "state: READY\n", "displayName: From the CLI\n", "  readyReplicaCount: 1\n");
        String[] lines = created.out().split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("[")) {
                assertThat(lines[i].replaceFirst("^\\[\\S+\\] ", ""))
                        .as("a status line is printed only when it changes")
                        .isNotEqualTo(lines[i - 1].replaceFirst("^\\[\\S+\\] ", ""));
            }
        }
    }

    @Test
    @Order(3)
    void listShowsATableAndJsonIsTheApisOwn() throws IOException {
        Result table = ok("deployment", "list");
        assertThat(table.out().split("\n")[0])
                .matches("ID +BASE MODEL +STATE +REPLICAS +ACCELERATORS +REGION +CREATED");
        assertThat(table.out()).containsPattern(
                "(?m)^cli-first +accounts/fireworks/models/llama-v3p1-8b-instruct +READY +1/1 +\\d+ x NVIDIA_");

        JsonNode fromCli = parse(ok("deployment", "get", DEPLOYMENT, "-o", "json").out());
        PlatformClient.Response fromApi = client.getDeployment(DEPLOYMENT);
        assertThat(fromCli).isEqualTo(fromApi.body());
    }

    @Test
    @Order(4)
    void scaleWithWaitOnATerminalRedrawsOneLineInPlace() {
        Result scaled = ember(true, "", "deployment", "scale", DEPLOYMENT, "--replica-count", "2", "--wait",
                "--wait-timeout", "3m");

        assertThat(scaled.exitCode()).as(scaled.describe()).isZero();
        assertThat(scaled.out()).startsWith(ERASE_LINE + "deployment cli-first: ")
                .containsPattern("\r\033\\[2Kdeployment cli-first: READY \\(2 ready\\) after \\d+\\S*\n")
                .contains("  readyReplicaCount: 2\n");
        String progress = scaled.out().substring(0, scaled.out().indexOf('\n'));
        assertThat(progress.split("\r\033\\[2K", -1).length - 1).as("redraws before the final line").isGreaterThan(1);
    }

    @Test
    @Order(5)
    void updateChangesOnlyTheFieldsGiven() throws IOException {
        JsonNode before = parse(ok("deployment", "get", DEPLOYMENT, "-o", "json").out());

        ok("deployment", "update", DEPLOYMENT, "--display-name", "Renamed", "--scale-down-window", "5m");

        JsonNode deployment = parse(ok("deployment", "get", DEPLOYMENT, "-o", "json").out());
        assertThat(deployment.path("displayName").asText()).isEqualTo("Renamed");
        assertThat(deployment.path("autoscalingPolicy").path("scaleDownWindow").asText()).isEqualTo("300s");
        assertThat(deployment.path("autoscalingPolicy").path("scaleToZeroWindow"))
                .isEqualTo(before.path("autoscalingPolicy").path("scaleToZeroWindow"));
        assertThat(deployment.path("autoscalingPolicy").path("loadTargets"))
                .isEqualTo(before.path("autoscalingPolicy").path("loadTargets")).isNotEmpty();
        assertThat(deployment.path("maxReplicaCount").asInt()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void chatStreamsAnswersAndKeepsTheConversationFromPipedInput() {
        AtomicReference<Result> chat = new AtomicReference<>();
        // The data plane learns of the ready replica from Kafka a moment after the control plane.
        await("chat answers").atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Result result = ember(false, "Hello there\n\nTell me more\n", "chat", DEPLOYMENT, "--max-tokens", "12");
            assertThat(result.exitCode()).as(result.describe()).isZero();
            chat.set(result);
        });
        String[] answers = chat.get().out().split("\n");
        assertThat(answers).as(chat.get().describe()).hasSize(2).allSatisfy(a -> assertThat(a).isNotBlank());
    }

    @Test
    @Order(7)
    void errorsShowTheServersMessageAndReasonWithTheirExitCodes() {
        Result notFound = ember("deployment", "get", "no-such-deployment");
        assertThat(notFound.exitCode()).as(notFound.describe()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(notFound.err()).startsWith("ember: NOT_FOUND").contains("no-such-deployment");

        Result invalid = ember("deployment", "create", "llama-v3p1-8b-instruct", "--deployment-id", "Bad_Id");
        assertThat(invalid.exitCode()).as(invalid.describe()).isEqualTo(ExitCodes.ERROR);
        assertThat(invalid.err()).startsWith("ember: INVALID_ARGUMENT (").contains("Bad_Id");

        Result badKey = ember("deployment", "list", "--api-key", "em_" + "0".repeat(40));
        assertThat(badKey.exitCode()).as(badKey.describe()).isEqualTo(ExitCodes.PERMISSION);
        assertThat(badKey.err()).startsWith("ember: UNAUTHENTICATED");

        Result chatNotFound = ember(false, "Hi\n", "chat", "no-such-deployment");
        assertThat(chatNotFound.exitCode()).as(chatNotFound.describe()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(chatNotFound.err()).contains("no-such-deployment");

        Result badFlag = ember("deployment", "scale", DEPLOYMENT);
        assertThat(badFlag.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFlag.err()).contains("Missing required option: '--replica-count=N'",
                "Usage: ember deployment scale");
    }

    @Test
    @Order(8)
    void aWaitThatTimesOutExits5WithTheLastState() {
        // No time at all: the first poll, right after the create, finds it CREATING still, however fast the clock.
        Result slow = ember("deployment", "create", "llama-v3p1-8b-instruct", "--deployment-id", "cli-slow",
                "--wait", "--wait-timeout", "0s");

        assertThat(slow.exitCode()).as(slow.describe()).isEqualTo(ExitCodes.WAIT_FAILED);
        assertThat(slow.err()).contains("ember: gave up waiting for deployment cli-slow after", "last: CREATING");
        ok("deployment", "delete", "cli-slow", "--hard");
        assertThat(ember("deployment", "get", "cli-slow").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    @Order(9)
    void aLoraIsCreatedUploadedWithProgressLoadedAndUnloaded(@org.junit.jupiter.api.io.TempDir Path adapter)
            throws IOException {
        Files.writeString(adapter.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 16, "
                + "\"lora_alpha\": 32, \"target_modules\": [\"q_proj\", \"v_proj\"], "
                + "\"base_model_name_or_path\": \"meta-llama/Llama-3.1-8B-Instruct\"}");
        Files.write(adapter.resolve("adapter_model.safetensors"), new byte[300_000]);

        Result created = ok("model", "create", "cli-lora", adapter.toString(), "--base-model",
                "llama-v3p1-8b-instruct");
        assertThat(created.out()).contains("adapter_config.json: 100%", "adapter_model.safetensors: 0%",
                "adapter_model.safetensors: 100% (293.0 KiB / 293.0 KiB)", "Uploaded 2 files (293.1 KiB)",
                "state: READY\n", "  r: 16\n");

        Result models = ok("model", "list");
        assertThat(models.out()).containsPattern("(?m)^cli-lora +HF_PEFT_ADDON +READY +accounts/fireworks/models/");

        Result loaded = ok("load-lora", "cli-lora", "--deployment", DEPLOYMENT, "--wait", "--wait-timeout", "2m");
        assertThat(loaded.out()).containsPattern("(?m)^LoRA cli-lora on cli-first: DEPLOYED after ")
                .contains("state: DEPLOYED\n");

        Result unloaded = ok("unload-lora", "cli-lora", "--deployment", DEPLOYMENT, "--wait", "--wait-timeout",
                "2m");
        assertThat(unloaded.out()).contains("unloaded after", "Unloaded accounts/" + platform.accountId()
                + "/deployedModels/");
        ok("model", "delete", "cli-lora");
        assertThat(ember("model", "get", "cli-lora").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    @Order(10)
    void usersAndTheirKeys() throws IOException {
        ok("user", "create", "--user-id", "alice", "--role", "user", "--email", "alice@example.com");
        assertThat(ok("user", "list").out()).containsPattern("(?m)^alice +user +alice@example.com");

        JsonNode key = parse(ok("api-key", "create", "--user", "alice", "--display-name", "laptop", "-o", "json")
                .out());
        String keyId = key.path("keyId").asText();
        assertThat(key.path("key").asText()).startsWith("em_");
        assertThat(ok("api-key", "list", "--user", "alice").out())
                .containsPattern("(?m)^" + keyId + " +laptop +" + key.path("prefix").asText());

        Result asAlice = ok("whoami", "--api-key", key.path("key").asText());
        assertThat(asAlice.out()).contains("/users/alice\n", "role: user\n");
        Result aliceCannotCreateUsers = ember("user", "create", "--user-id", "bob", "--api-key",
                key.path("key").asText());
        assertThat(aliceCannotCreateUsers.exitCode()).as(aliceCannotCreateUsers.describe())
                .isEqualTo(ExitCodes.PERMISSION);
        assertThat(aliceCannotCreateUsers.err()).contains("PERMISSION_DENIED (ROLE_ADMIN_REQUIRED)");

        ok("api-key", "delete", keyId, "--user", "alice");
        assertThat(ok("api-key", "list", "--user", "alice").out()).doesNotContain(keyId);
        assertThat(ok("api-key", "list").out().split("\n")[0]).startsWith("KEY ID");
    }

    @Test
    @Order(11)
    void quotasRegionsShapesAndUsage() throws IOException {
        ok("quota", "update", "h100-us-iowa-1", "--value", "16");
        assertThat(ok("quota", "list").out()).containsPattern("(?m)^h100-us-iowa-1 +16 ");

        Result regions = ok("region", "list");
        assertThat(regions.out()).startsWith("REGION").containsPattern("(?m)^US_IOWA_1 +US +.*NVIDIA_H100_80GB");

        Result versions = ok("deployment-shape-version", "list", "--base-model", "llama-v3p1-8b-instruct");
        assertThat(versions.out()).contains("accounts/fireworks/deploymentShapes/")
                .containsPattern("(?m) yes$");

        Result usage = ok("usage");
        assertThat(usage.out()).startsWith("Dedicated deployments:\nDEPLOYMENT").contains("Serverless:\nMODEL");
        JsonNode usageJson = parse(ok("usage", "-o", "json").out());
        assertThat(usageJson.has("dedicatedCosts")).isTrue();

        // Serverless rate limits: a deployment of the catalog account is serverless to every other account.
        PlatformClient.Response serverlessAccount = client.post(platform.controlPlaneUrl()
                + "/v1/accounts?accountId=fireworks", "{\"email\": \"serverless@example.com\"}");
        assertThat(serverlessAccount.status()).as(serverlessAccount.describe()).isIn(200, 409);
        ok("deployment", "create", "llama-v3p1-8b-instruct", "--deployment-id", "cli-serverless",
                "--min-replica-count", "0", "--account-id", "fireworks");
        ok("quota", "update", "serverless-requests-per-minute", "--value", "120");
        Result limits = ok("rate-limits");
        assertThat(limits.out()).startsWith("DEPLOYMENT").containsPattern(
                "(?m)^accounts/fireworks/deployments/cli-serverless +120 +1000000$");
        JsonNode limitsJson = parse(ok("rate-limits", "--deployment",
                "accounts/fireworks/deployments/cli-serverless", "-o", "json").out());
        assertThat(limitsJson.path("rateLimits")).hasSize(3);
        assertThat(limitsJson.path("rateLimits").get(0).path("effectiveLimit").asDouble()).isEqualTo(2.0);
    }

    @Test
    @Order(12)
    void deleteThenUndeleteThenDryRunSendsNothing() throws IOException {
        assertThat(ok("deployment", "delete", DEPLOYMENT).out()).contains("ember deployment undelete cli-first");
        JsonNode deleted = parse(ok("deployment", "get", DEPLOYMENT, "-o", "json").out());
        assertThat(deleted.path("state").asText()).isIn("DELETING", "DELETED");

        ok("deployment", "undelete", DEPLOYMENT);
        Result dryRun = ok("deployment", "delete", DEPLOYMENT, "--hard", "--dry-run");
        assertThat(dryRun.out()).isEqualTo("DELETE " + platform.controlPlaneUrl() + "/v1/accounts/"
                + platform.accountId() + "/deployments/" + DEPLOYMENT + "?hard=true\n");
        JsonNode stillThere = parse(ok("deployment", "get", DEPLOYMENT, "-o", "json").out());
        assertThat(stillThere.path("state").asText()).isNotIn("DELETING", "DELETED");
    }

    /** {@code count} chat examples, one a line, as a fine-tuning or batch inference dataset holds them. */
    private static String chatExamples(int count) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < count; i++) {
            jsonl.append("{\"messages\": [{\"role\": \"user\", \"content\": \"Question ").append(i)
                    .append("\"}, {\"role\": \"assistant\", \"content\": \"Answer ").append(i).append("\"}]}\n");
        }
        return jsonl.toString();
    }

    @Test
    @Order(13)
    void aDatasetIsCreatedUploadedWithProgressAndValidated(@org.junit.jupiter.api.io.TempDir Path folder)
            throws IOException {
        Path train = Files.writeString(folder.resolve("train.jsonl"), chatExamples(60));

        Result created = ok("dataset", "create", "cli-train", train.toString(), "--display-name", "CLI examples");

        assertThat(created.out()).contains("train.jsonl: 0%", "train.jsonl: 100%", "Uploaded 1 file (",
                "name: accounts/" + platform.accountId() + "/datasets/cli-train\n", "state: READY\n",
                "exampleCount: 60\n", "displayName: CLI examples\n");
        assertThat(ok("dataset", "list").out()).containsPattern("(?m)^cli-train +READY +CHAT +60 ");

        ok("dataset", "create", "cli-requests");
        assertThat(parse(ok("dataset", "get", "cli-requests", "-o", "json").out()).path("state").asText())
                .isEqualTo("UPLOADING");
        Result uploaded = ok("dataset", "upload", "cli-requests", Files.writeString(folder.resolve("requests.jsonl"),
                chatExamples(20)).toString());
        assertThat(uploaded.out()).contains("requests.jsonl: 100%", "state: READY\n", "exampleCount: 20\n");
    }

    @Test
    @Order(14)
    void aFineTuningJobRunsToCompletionWithWaitAndItsModelIsReady() throws IOException {
        // 60 examples x 2 epochs at 2 examples a second on one GPU: a minute of the platform's 30x clock.
        Result tuned = ok("sftj", "create", "--base-model", "llama-v3p1-8b-instruct", "--dataset", "cli-train",
                "--output-model", "cli-tuned", "--job-id", "cli-tune", "--epochs", "2", "--lora-rank", "8",
                "--wait", "--wait-timeout", "3m");

        assertThat(tuned.out()).doesNotContain("\r", "\033")
                .containsPattern("(?m)^\\[\\d+s\\] fine-tuning job cli-tune: RUNNING \\d+%$")
                .containsPattern("(?m)^fine-tuning job cli-tune: COMPLETED after \\d+")
                .contains("state: JOB_STATE_COMPLETED\n", "outputModel: accounts/" + platform.accountId()
                        + "/models/cli-tuned\n", "  percent: 100\n");
        assertThat(ok("sftj", "list").out()).containsPattern(
                "(?m)^cli-tune +COMPLETED +100% +accounts/fireworks/models/llama-v3p1-8b-instruct +cli-train +cli-tuned ");
        JsonNode model = parse(ok("model", "get", "cli-tuned", "-o", "json").out());
        assertThat(model.path("state").asText()).isEqualTo("READY");
        assertThat(model.path("peftDetails").path("r").asInt()).isEqualTo(8);
    }

    @Test
    @Order(15)
    void aJobLeftByATimedOutWaitIsCancelledThenResumedToCompletion() throws IOException {
        // No time at all: the first poll, right after the create, finds the job not done, however fast the clock.
        Result gaveUp = ember("sftj", "create", "--base-model", "llama-v3p1-8b-instruct", "--dataset", "cli-train",
                "--job-id", "cli-tune-2", "--wait", "--wait-timeout", "0s");
        assertThat(gaveUp.exitCode()).as(gaveUp.describe()).isEqualTo(ExitCodes.WAIT_FAILED);
        assertThat(gaveUp.err()).containsPattern("ember: gave up waiting for fine-tuning job cli-tune-2 after 0s"
                + " \\(--wait-timeout 0s\\); last: (CREATING|PENDING|RUNNING)");

        Result cancelled = ok("sftj", "cancel", "cli-tune-2");
        assertThat(cancelled.out()).contains("state: JOB_STATE_CANCELLED\n");
        Result resumed = ember("sftj", "resume", "cli-tune-2", "--wait", "--wait-timeout", "3m");
        assertThat(resumed.exitCode()).as(resumed.describe()).isZero();
        assertThat(resumed.out()).contains("fine-tuning job cli-tune-2: COMPLETED after ",
                "state: JOB_STATE_COMPLETED\n");

        Result notResumable = ember("sftj", "resume", "cli-tune-2");
        assertThat(notResumable.exitCode()).as(notResumable.describe()).isEqualTo(ExitCodes.ERROR);
        assertThat(notResumable.err()).startsWith("ember: FAILED_PRECONDITION (JOB_NOT_RESUMABLE): ");
    }

    @Test
    @Order(16)
    void aBatchInferenceJobAnswersEveryRowIntoItsOutputDataset() throws IOException {
        Result batch = ember(true, "", "batch-inference-job", "create", "--model", "llama-v3p1-8b-instruct",
                "--input-dataset", "cli-requests", "--job-id", "cli-batch", "--max-tokens", "16",
                "--temperature", "0.2", "--wait", "--wait-timeout", "3m");

        assertThat(batch.exitCode()).as(batch.describe()).isZero();
        assertThat(batch.out()).startsWith(ERASE_LINE + "batch inference job cli-batch: ")
                .containsPattern("\r\033\\[2Kbatch inference job cli-batch: COMPLETED after \\d+\\S*\n")
                .contains("state: JOB_STATE_COMPLETED\n", "outputDatasetId: accounts/" + platform.accountId()
                        + "/datasets/cli-batch-output\n", "  maxTokens: 16\n");
        assertThat(ok("batch-inference-job", "list").out()).containsPattern(
                "(?m)^cli-batch +COMPLETED +100% +accounts/fireworks/models/llama-v3p1-8b-instruct +cli-requests"
                        + " +cli-batch-output ");
        JsonNode answers = parse(ok("dataset", "get", "cli-batch-output", "-o", "json").out());
        assertThat(answers.path("state").asText()).isEqualTo("READY");
        assertThat(answers.path("exampleCount").asText()).isEqualTo("20");

        assertThat(ok("batch-inference-job", "delete", "cli-batch").out()).isEqualTo("Deleted accounts/"
                + platform.accountId() + "/batchInferenceJobs/cli-batch\n");
        assertThat(ember("batch-inference-job", "get", "cli-batch").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(ok("dataset", "get", "cli-batch-output").out()).contains("state: READY\n");
    }

    @Test
    @Order(17)
    void jobAndDatasetErrorsShowTheServersReasonAndExitCode(@org.junit.jupiter.api.io.TempDir Path folder)
            throws IOException {
        Path bad = Files.writeString(folder.resolve("bad.jsonl"), chatExamples(1) + "not json\n");
        Result invalid = ember("dataset", "create", "cli-bad", bad.toString());
        assertThat(invalid.exitCode()).as(invalid.describe()).isEqualTo(ExitCodes.ERROR);
        assertThat(invalid.err()).startsWith("ember: INVALID_ARGUMENT (").contains("bad.jsonl:2");
        assertThat(parse(ok("dataset", "get", "cli-bad", "-o", "json").out()).path("state").asText())
                .isEqualTo("UPLOADING");

        Result noDataset = ember("sftj", "create", "--base-model", "llama-v3p1-8b-instruct", "--dataset",
                "no-such-dataset", "--wait");
        assertThat(noDataset.exitCode()).as(noDataset.describe()).isEqualTo(ExitCodes.ERROR);
        assertThat(noDataset.err()).startsWith("ember: INVALID_ARGUMENT (").contains("dataset",
                "no-such-dataset");

        ok("dataset", "delete", "cli-bad");
        Result gone = ember("dataset", "get", "cli-bad");
        assertThat(gone.exitCode()).as(gone.describe()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(gone.err()).startsWith("ember: NOT_FOUND");
    }
}
