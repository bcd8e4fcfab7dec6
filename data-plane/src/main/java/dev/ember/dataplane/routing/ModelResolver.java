package dev.ember.dataplane.routing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.name.DeploymentName;

/**
 * Turns a request's {@code model} into the deployment that serves it: {@code accounts/a/deployments/d}, or
 * {@code <model>#accounts/a/deployments/d}. A deployment of another account is reported as not found.
 */
@ApplicationScoped
public class ModelResolver {

    @Inject
    RoutingTable routing;

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
        if (!DeploymentName.looksLike(deployment)) {
            throw notFound(model, " is not deployed: create a deployment of it and use model "
                    + "'accounts/<account>/deployments/<deployment>'");
        }
        DeploymentName name = DeploymentName.parse("model", deployment);
        DeploymentSpec spec = routing.deployment(name.toString())
                .filter(s -> name.account().equals(caller.account()))
                .orElseThrow(() -> notFound(model, " was not found or is not accessible with this API key"));
        if (base != null && !base.equals(spec.baseModel())) {
            throw InvalidArgumentException.field("model",
                    "deployment " + name + " serves " + spec.baseModel() + ", not " + base);
        }
        return spec;
    }

    private static EmberException notFound(String model, String why) {
        return new EmberException(ErrorCode.NOT_FOUND, "model_not_found", "model '" + model + "'" + why);
    }
}
