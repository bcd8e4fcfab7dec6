package dev.ember.controlplane.deployment.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One page of deployments, as Fireworks' {@code gatewayListDeploymentsResponse}: {@code nextPageToken} is left out on
 * the last page, and {@code totalSize} counts every deployment the filter matches, on all pages.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListDeploymentsResponse(List<Deployment> deployments, String nextPageToken, int totalSize) {
}
