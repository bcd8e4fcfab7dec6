package dev.ember.controlplane.dataset.api;

import java.util.Map;

/** Fireworks' {@code GatewayGetDatasetUploadEndpointBody}: the dataset's file and its size in bytes. */
public record DatasetUploadRequest(Map<String, Long> filenameToSize, String readMask) {
}
