package dev.ember.controlplane.dataset.api;

import java.util.Map;

/**
 * Fireworks' {@code gatewayGetDatasetUploadEndpointResponse} and {@code gatewayGetDatasetDownloadEndpointResponse}: a
 * signed URL per file, served by the control plane.
 */
public record SignedUrls(Map<String, String> filenameToSignedUrls) {
}
