package dev.ember.controlplane.dataset.api;

/**
 * Fireworks' {@code GatewayCreateDatasetBody}. Making a dataset by filtering another ({@code sourceDatasetId},
 * {@code filter}) is not supported and refused when asked for.
 */
public record CreateDatasetRequest(String datasetId, Dataset dataset, String sourceDatasetId, String filter) {
}
