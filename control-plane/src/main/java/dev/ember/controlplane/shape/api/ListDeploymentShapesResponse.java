package dev.ember.controlplane.shape.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of shapes; {@code nextPageToken} is left out on the last page, {@code totalSize} counts every match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListDeploymentShapesResponse(List<DeploymentShape> deploymentShapes, String nextPageToken,
        int totalSize) {
}
