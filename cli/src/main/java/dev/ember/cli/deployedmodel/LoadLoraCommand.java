package dev.ember.cli.deployedmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.Json;
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

/** {@code ember load-lora MODEL --deployment D}: a deployed model, the addon loaded onto the deployment. */
@Command(name = "load-lora", description = {"Loads a LoRA addon onto a deployment of its base model.",
        "It is DEPLOYING until the deployment is READY, then DEPLOYED; --wait shows it."})
public final class LoadLoraCommand extends MutatingCommand {

    @Parameters(paramLabel = "MODEL", description = "The LoRA addon: model ID of this account, or model name.")
    String model;

    @Option(names = "--deployment", required = true, paramLabel = "DEPLOYMENT", description = "Deployment ID or name.")
    String deployment;

    @Option(names = "--deployed-model-id", paramLabel = "ID", description = "ID of the deployed model (default: made from the model's).")
    String deployedModelId;

    @Option(names = "--replace-merged-addon", description = "Replace an addon merged into the deployment.")
    boolean replaceMergedAddon;

    @Mixin
    WaitOptions wait;

    @Override
    protected int run(Session s) {
        ObjectNode body = Json.object()
                .put("model", Names.of(s.account(), "models", model))
                .put("deployment", Names.of(s.account(), "deployments", deployment));
        JsonNode created = s.send(Request.post("/v1/accounts/" + s.account() + "/deployedModels", body)
                .param("deployedModelId", deployedModelId)
                .param("replaceMergedAddon", replaceMergedAddon ? "true" : null));
        if (created == null) {
            return 0;
        }
        if (wait.enabled()) {
            String name = created.path("name").asText();
            created = Wait.until(s, "LoRA " + Names.id(body.get("model").asText()) + " on " + Names.id(
                    body.get("deployment").asText()), () -> s.call(Request.get(Names.path(name))),
                    DeployedModelView.deployed(), wait.timeout());
        }
        s.output().resource(created);
        return 0;
    }
}
