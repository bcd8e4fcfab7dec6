package dev.ember.controlplane.dataset.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of datasets, as Fireworks' {@code gatewayListDatasetsResponse}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListDatasetsResponse(List<Dataset> datasets, String nextPageToken, int totalSize) {
}
