package dev.ember.controlplane.job.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fireworks' {@code gatewayJobProgress}. A fine-tuning job fills {@code percent}, {@code epoch} (from 0) and counts
 * its examples in {@code totalInputRequests} (examples x epochs) and {@code totalProcessedRequests}; a batch inference
 * job counts rows and, once done, output rows and tokens.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobProgress(
        Integer percent,
        Integer epoch,
        Integer totalInputRequests,
        Integer totalProcessedRequests,
        Integer successfullyProcessedRequests,
        Integer failedRequests,
        Integer outputRows,
        Integer inputTokens,
        Integer outputTokens) {
}
