package dev.ember.controlplane.model.api;

import java.util.Map;

/**
 * Fireworks' {@code GatewayGetModelUploadEndpointBody}: every file of the model and its size in bytes (int64, as a
 * string or a number). {@code enableResumableUpload} must be false or absent; {@code readMask} is accepted and
 * ignored.
 */
public record GetUploadEndpointRequest(Map<String, Long> filenameToSize, Boolean enableResumableUpload,
        String readMask) {
}
