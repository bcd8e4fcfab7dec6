package dev.ember.controlplane.model.api;

import java.util.List;

/** Fireworks' {@code gatewayValidateModelUploadResponse}: what validation noticed without refusing the upload. */
public record ValidateUploadResponse(List<String> warnings) {
}
