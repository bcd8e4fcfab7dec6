package dev.ember.cli.deployedmodel;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.ApiException;
import dev.ember.cli.CliException;
import dev.ember.cli.ExitCodes;
import dev.ember.cli.MutatingCommand;
import dev.ember.cli.Names;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Wait;
import dev.ember.cli.WaitOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember unload-lora MODEL --deployment D} (or {@code unload-lora DEPLOYED_MODEL}): deletes the deployed model;
 * it is UNDEPLOYING, then gone.
 */
@Command(name = "unload-lora", description = {"Unloads a LoRA addon from a deployment.",
        "Give the addon and --deployment, or the deployed model's ID or name alone."})
public final class UnloadLoraCommand extends MutatingCommand {

    @Parameters(paramLabel = "MODEL", description = "The LoRA addon (with --deployment), or the deployed model.")
    String target;

    @Option(names = "--deployment", paramLabel = "DEPLOYMENT", description = "Deployment ID or name the addon is loaded on.")
    String deployment;

    @Mixin
    WaitOptions wait;

    @Override
    protected int run(Session s) {
        String name = deployment == null
                ? Names.of(s.account(), "deployedModels", target)
                : find(s, Names.of(s.account(), "models", target), Names.of(s.account(), "deployments", deployment));
        JsonNode answer = s.send(Request.delete(Names.path(name)));
        if (answer == null) {
            return 0;
        }
        if (wait.enabled()) {
            Wait.until(s, "deployed model " + Names.id(name), () -> getOrNull(s, name), DeployedModelView.gone(),
                    wait.timeout());
        }
        s.output().done(answer, (wait.enabled() ? "Unloaded " : "Unloading ") + name);
        return 0;
    }

    /** The deployed model of {@code model} on {@code deployment}, found in the account's list. */
    private static String find(Session s, String model, String deployment) {
        String pageToken = null;
        do {
            JsonNode page = s.call(Request.get("/v1/accounts/" + s.account() + "/deployedModels")
                    .param("pageSize", 200).param("pageToken", pageToken));
            for (JsonNode d : page.path("deployedModels")) {
                if (model.equals(d.path("model").asText()) && deployment.equals(d.path("deployment").asText())) {
                    return d.path("name").asText();
                }
            }
            pageToken = page.path("nextPageToken").asText("");
        } while (!pageToken.isEmpty());
        throw new CliException(ExitCodes.NOT_FOUND, model + " is not loaded on " + deployment);
    }

    private static JsonNode getOrNull(Session s, String name) {
        try {
            return s.call(Request.get(Names.path(name)));
        } catch (ApiException e) {
            if (e.httpStatus() == 404) {
                return null;
            }
            throw e;
        }
    }
}
