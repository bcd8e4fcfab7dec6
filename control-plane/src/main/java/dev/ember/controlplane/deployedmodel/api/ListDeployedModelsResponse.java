package dev.ember.controlplane.deployedmodel.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page, as Fireworks' {@code gatewayListDeployedModelsResponse}; no {@code nextPageToken} on the last. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListDeployedModelsResponse(List<DeployedModel> deployedModels, String nextPageToken, int totalSize) {
}
