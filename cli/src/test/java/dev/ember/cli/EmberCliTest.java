package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** Flags turned into requests, without a server: {@code --dry-run} prints what would be sent. */
class EmberCliTest {

    @TempDir
    Path home;

    private CliEnvironment environment() throws IOException {
        Files.createDirectories(home.resolve(".ember"));
        Files.writeString(home.resolve(".ember/auth.ini"), """
                account_id = local
                api_key = em_local
                api_base = http://127.0.0.1:18080

                [staging]
                account_id = acme
                api_base = https://ember.example.com
                """);
        return Cli.environment(home, Map.of());
    }

    @Test
    void deploymentCreateSendsEveryFlagAsTheApiField() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "create", "llama-v3p1-8b-instruct",
                "--deployment-id", "my-first", "--accelerator-type", "NVIDIA_H100_80GB", "--accelerator-count", "2",
                "--region", "us-iowa-1", "--min-replica-count", "0", "--max-replica-count", "3",
                "--scale-up-window", "30s", "--scale-down-window", "10m", "--scale-to-zero-window", "1h",
                "--load-targets", "default=0.8,concurrent_requests=4", "--precision", "FP8",
                "--draft-model", "llama-v3p2-1b-instruct", "--enable-addons", "--display-name", "First",
                "--deployment-shape", "fast", "--validate-only", "--dry-run", "-o", "json");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode request = ApiClient.parse(result.out());
        assertThat(request.path("method").asText()).isEqualTo("POST");
        assertThat(request.path("url").asText()).isEqualTo(
                "http://127.0.0.1:18080/v1/accounts/local/deployments?deploymentId=my-first&validateOnly=true");
        assertThat(request.path("body")).isEqualTo(ApiClient.parse("""
                {"baseModel": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                 "displayName": "First", "deploymentShape": "fast",
                 "acceleratorType": "NVIDIA_H100_80GB", "acceleratorCount": 2,
                 "placement": {"region": "us-iowa-1"}, "minReplicaCount": 0, "maxReplicaCount": 3,
                 "autoscalingPolicy": {"scaleUpWindow": "30s", "scaleDownWindow": "600s", "scaleToZeroWindow": "3600s",
                   "loadTargets": {"default": 0.8, "concurrent_requests": 4.0}},
                 "precision": "FP8", "draftModel": "accounts/fireworks/models/llama-v3p2-1b-instruct",
                 "enableAddons": true}"""));
    }

    @Test
    void aMultiRegionGoesToPlacementMultiRegion() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "create", "accounts/local/models/mine",
                "--region", "europe", "--dry-run", "-o", "json");

        JsonNode body = ApiClient.parse(result.out()).path("body");
        assertThat(body.path("placement").path("multiRegion").asText()).isEqualTo("EUROPE");
        assertThat(body.path("baseModel").asText()).isEqualTo("accounts/local/models/mine");
    }

    @Test
    void aProfileChoosesAccountAndServer() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "scale", "web", "--replica-count", "2",
                "--profile", "staging", "--dry-run");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                POST https://ember.example.com/v1/accounts/acme/deployments/web:scale
                {
                  "replicaCount" : 2
                }
                """);
    }

    @Test
    void flagsBeatEnvironmentVariablesWhichBeatAuthIni() throws IOException {
        CliEnvironment env = environment();
        CliEnvironment withVariables = new CliEnvironment(Map.of("EMBER_ACCOUNT_ID", "from-env",
                "EMBER_API_BASE", "http://env:1"), env.userHome(), env.stdin(), false, env.clock(),
                env.pollInterval());

        assertThat(Cli.run(withVariables, "deployment", "delete", "d", "--dry-run").out())
                .isEqualTo("DELETE http://env:1/v1/accounts/from-env/deployments/d\n");
        assertThat(Cli.run(withVariables, "deployment", "delete", "d", "--hard", "--account-id", "flag",
                "--dry-run").out())
                .isEqualTo("DELETE http://env:1/v1/accounts/flag/deployments/d?hard=true\n");
    }

    @Test
    void emberHomeMovesAuthIniAsEmberUpDoes() throws IOException {
        Path other = Files.createDirectories(home.resolve("other"));
        Files.writeString(other.resolve("auth.ini"), "account_id = elsewhere\napi_base = http://h:2\n");
        CliEnvironment env = Cli.environment(home, Map.of("EMBER_HOME", other.toString()));

        assertThat(Cli.run(env, "model", "delete", "m", "--dry-run").out())
                .isEqualTo("DELETE http://h:2/v1/accounts/elsewhere/models/m\n");
    }

    @Test
    void aBadFlagGetsUsageHelpAndExitCode2() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "create", "m", "--min-replica-count", "many");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Invalid value for option '--min-replica-count': 'many' is not an int")
                .contains("Usage: ember deployment create");
    }

    @Test
    void anUnknownCommandOrAMissingOneIsAUsageError() throws IOException {
        Cli.Result unknown = Cli.run(environment(), "deploymnt", "list");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("Unmatched argument").contains("Did you mean: ember deployment");

        Cli.Result missing = Cli.run(environment(), "deployment");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("Missing command").contains("create");
    }

    @Test
    void anUpdateNamesExactlyItsFieldsInTheMaskSoTheRestOfThePolicyStays() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "update", "d", "--scale-to-zero-window", "2h",
                "--load-targets", "default=0.5", "--max-replica-count", "4", "--dry-run", "-o", "json");

        JsonNode request = ApiClient.parse(result.out());
        assertThat(request.path("method").asText()).isEqualTo("PATCH");
        assertThat(request.path("url").asText()).isEqualTo("http://127.0.0.1:18080/v1/accounts/local/deployments/d"
                + "?updateMask=maxReplicaCount%2CautoscalingPolicy.scaleToZeroWindow%2CautoscalingPolicy.loadTargets");
    }

    @Test
    void anUpdateWithoutFieldsIsAUsageError() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "update", "d", "--dry-run");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("Nothing to update");
    }

    @Test
    void withoutAnAccountTheErrorSaysHowToSetOne() {
        Cli.Result result = Cli.run(Cli.environment(home, Map.of()), "deployment", "list");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("no account: pass --account-id, set EMBER_ACCOUNT_ID");
    }

    @Test
    void withoutAnApiKeyTheErrorSaysHowToSetOneBeforeAnythingIsSent() {
        Cli.Result result = Cli.run(Cli.environment(home, Map.of()), "region", "list", "--api-base",
                "http://127.0.0.1:9");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("no API key: pass --api-key, set EMBER_API_KEY");
    }

    @Test
    void anUnknownProfileIsAUsageError() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "list", "--profile", "prod");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("no profile [prod]").contains("[staging]");
    }

    @Test
    void anUnreachableServerIsAnErrorThatSaysWhere() throws IOException {
        Cli.Result result = Cli.run(environment(), "deployment", "list", "--api-base", "http://127.0.0.1:9");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(result.err()).contains("cannot reach http://127.0.0.1:9");
    }

    @Test
    void loadLoraNamesTheAddonAndTheDeployment() throws IOException {
        Cli.Result result = Cli.run(environment(), "load-lora", "my-lora", "--deployment", "my-first",
                "--dry-run");

        assertThat(result.out()).isEqualTo("""
                POST http://127.0.0.1:18080/v1/accounts/local/deployedModels
                {
                  "model" : "accounts/local/models/my-lora",
                  "deployment" : "accounts/local/deployments/my-first"
                }
                """);
    }
}
