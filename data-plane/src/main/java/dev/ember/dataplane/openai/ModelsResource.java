package dev.ember.dataplane.openai;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ember.common.event.DeployedModelSpec;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.name.DeploymentName;
import dev.ember.dataplane.auth.InferenceAuth;
import dev.ember.dataplane.ratelimit.ServerlessConfig;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * {@code GET /inference/v1/models}: the deployments the caller's key can send requests to, the LoRA addons DEPLOYED
 * on them (by model name, each once), and the models served serverless (by model name, owned by the serverless
 * account), as OpenAI models.
 */
@Path("/inference/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    public record ModelList(String object, List<Model> data) {
    }

    public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    @Inject
    InferenceAuth auth;

    @Inject
    RoutingTable routing;

    @Inject
    ServerlessConfig serverless;

    @GET
    public ModelList list(@HeaderParam("Authorization") String authorization) {
        KeyCache.Key caller = auth.authenticate(authorization);
        List<Model> models = new ArrayList<>(routing.deployments().stream()
                .filter(d -> DeploymentName.parse("name", d.name()).account().equals(caller.account()))
                .map(d -> new Model(d.name(), "model", d.createTime() == null ? 0 : d.createTime().getEpochSecond(),
                        caller.account()))
                .toList());
        String own = "accounts/" + caller.account() + "/models/";
        routing.deployedModels().stream()
                .filter(d -> d.model().startsWith(own) && routing.loraDeployment(d.model(), null).isPresent())
                .collect(Collectors.toMap(DeployedModelSpec::model, d -> d, (a, b) -> a))
                .values()
                .forEach(d -> models.add(new Model(d.model(), "model",
                        d.createTime() == null ? 0 : d.createTime().getEpochSecond(), caller.account())));
        // The models the platform serves serverless to every account, each once.
        String shared = "accounts/" + serverless.account() + "/deployments/";
        if (!caller.account().equals(serverless.account())) {
            routing.deployments().stream()
                    .filter(d -> d.name().startsWith(shared))
                    .collect(Collectors.toMap(DeploymentSpec::baseModel, d -> d, (a, b) -> a))
                    .values()
                    .forEach(d -> models.add(new Model(d.baseModel(), "model",
                            d.createTime() == null ? 0 : d.createTime().getEpochSecond(), serverless.account())));
        }
        models.sort(Comparator.comparing(Model::id));
        return new ModelList("list", models);
    }
}
