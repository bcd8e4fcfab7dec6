package dev.ember.controlplane.model.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One page of models, as Fireworks' {@code gatewayListModelsResponse}: {@code nextPageToken} is left out on the last
 * page, and {@code totalSize} counts every model the filter matches, on all pages.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListModelsResponse(List<Model> models, String nextPageToken, int totalSize) {
}
