package dev.ember.controlplane.model.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fireworks' {@code gatewayGetModelUploadEndpointResponse}: for each file, a URL to PUT its bytes to. The URLs are
 * served by the control plane itself and signed; {@code filenameToUnsignedUris} is never set, since the store is not
 * reachable directly.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GetUploadEndpointResponse(Map<String, String> filenameToSignedUrls,
        Map<String, String> filenameToUnsignedUris) {
}
