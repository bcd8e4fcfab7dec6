package dev.ember.controlplane.quota.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fireworks' {@code gatewayQuota}: a GPU quota such as {@code accounts/acme/quotas/h100-us-iowa-1}. {@code value} and
 * {@code maxValue} are int64, written as strings as protobuf JSON does (numbers are accepted on input);
 * {@code usage} (GPUs the account's deployments hold or are about to) and {@code updateTime} are output only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Quota(String name, String value, String maxValue, Double usage, Instant updateTime) {

    public record ListQuotasResponse(List<Quota> quotas, String nextPageToken, int totalSize) {
    }
}
