package dev.ember.controlplane.apikey.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of a user's keys, as Fireworks' {@code gatewayListApiKeysResponse}; never with a secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListApiKeysResponse(List<ApiKey> apiKeys, String nextPageToken, int totalSize) {
}
