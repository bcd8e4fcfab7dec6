package dev.ember.dataplane.routing;

import java.util.Comparator;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.DeployedModelSpec;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.name.DeployedModelName;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ModelName;
import dev.ember.dataplane.ratelimit.ServerlessConfig;

/**
 * Turns a request's {@code model} into the deployment that serves it: {@code accounts/a/deployments/d};
 * {@code <model>#accounts/a/deployments/d}, where the model is the deployment's base model or a LoRA addon DEPLOYED on
 * it; a LoRA addon's name {@code accounts/a/models/m} (its default deployment); or a deployed model's name
 * {@code accounts/a/deployedModels/x}; or a model of the platform's serverless account ({@code accounts/fireworks/models/m}),
 * served by that account's serverless deployment of it. Anything else of another account is reported as not found.
 */
@ApplicationScoped
public class ModelResolver {

    @Inject
    RoutingTable routing;

    @Inject
    ServerlessConfig serverless;

    public DeploymentSpec resolve(String model, KeyCache.Key caller) {
        if (model == null || model.isBlank()) {
            throw InvalidArgumentException.field("model", "you must provide a model parameter");
        }
        String base = null;
        String deployment = model;
        int hash = model.indexOf('#');
        if (hash >= 0) {
            base = model.substring(0, hash);
            deployment = model.substring(hash + 1);
        }
        if (base == null && looksLike(model, "/models/")) {
            return lora(model, null, caller).or(() -> serverless(model))
                    .orElseThrow(() -> notFound(model, " is not deployed: it has no serverless deployment; create a "
                            + "deployment of it, or load it onto one (deployedModels) if it is a LoRA addon"));
        }
        if (base == null && looksLike(model, "/deployedModels/")) {
            return deployedModel(model, caller)
                    .orElseThrow(() -> notFound(model, " was not found, is not DEPLOYED, or is not accessible with "
                            + "this API key"));
        }
        if (!DeploymentName.looksLike(deployment)) {
            throw notFound(model, " is not deployed: create a deployment of it and use model "
                    + "'accounts/<account>/deployments/<deployment>'");
        }
        DeploymentName name = DeploymentName.parse("model", deployment);
        DeploymentSpec spec = routing.deployment(name.toString())
                .filter(s -> name.account().equals(caller.account()))
                .orElseThrow(() -> notFound(model, " was not found or is not accessible with this API key"));
        if (base != null && !base.equals(spec.baseModel())) {
            String addon = base;
            return lora(addon, name.toString(), caller).orElseThrow(() -> InvalidArgumentException.field("model",
                    "deployment " + name + " serves " + spec.baseModel() + ", not " + addon
                            + ", and has no LoRA addon of that name DEPLOYED"));
        }
        return spec;
    }

    /** A LoRA addon of the caller's account, DEPLOYED (on {@code deployment} when given). */
    private Optional<DeploymentSpec> lora(String model, String deployment, KeyCache.Key caller) {
        ModelName name;
        try {
            name = ModelName.parse("model", model);
        } catch (InvalidArgumentException e) {
            return Optional.empty();
        }
        if (!name.account().equals(caller.account())) {
            return Optional.empty();
        }
        return routing.loraDeployment(name.toString(), deployment);
    }

    /**
     * The serverless deployment of a model: a deployment of the platform's serverless account serving it as its base
     * model (one with a ready replica first, then by name), or a LoRA addon of that account DEPLOYED on one of its
     * deployments (its default first).
     */
    private Optional<DeploymentSpec> serverless(String model) {
        String prefix = "accounts/" + serverless.account() + "/";
        if (!model.startsWith(prefix + "models/")) {
            return Optional.empty();
        }
        return routing.deployments().stream()
                .filter(d -> d.name().startsWith(prefix + "deployments/") && model.equals(d.baseModel()))
                .min(Comparator.comparing((DeploymentSpec d) -> routing.leastLoadedReady(d).isEmpty())
                        .thenComparing(DeploymentSpec::name))
                .or(() -> routing.loraDeployment(model, null)
                        .filter(d -> d.name().startsWith(prefix + "deployments/")));
    }

    /** Whether {@code deployment} is shared serverless with {@code caller}: it belongs to another account. */
    public boolean isServerless(DeploymentSpec deployment, KeyCache.Key caller) {
        return !deployment.name().startsWith("accounts/" + caller.account() + "/");
    }

    private Optional<DeploymentSpec> deployedModel(String model, KeyCache.Key caller) {
        DeployedModelName name;
        try {
            name = DeployedModelName.parse("model", model);
        } catch (InvalidArgumentException e) {
            return Optional.empty();
        }
        if (!name.account().equals(caller.account())) {
            return Optional.empty();
        }
        return routing.deployedModel(name.toString())
                .flatMap((DeployedModelSpec d) -> routing.loraDeployment(d.model(), d.deployment()));
    }

    private static boolean looksLike(String model, String collection) {
        return model.startsWith("accounts/") && model.contains(collection);
    }

    private static EmberException notFound(String model, String why) {
        return new EmberException(ErrorCode.NOT_FOUND, "model_not_found", "model '" + model + "'" + why);
    }
}
