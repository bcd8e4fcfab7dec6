package dev.ember.common.event;

import java.time.Instant;

/**
 * An account's GPU quota in one region for one accelerator type: at most {@code value} GPUs held by its replicas at
 * once. {@code name} is {@code accounts/{a}/quotas/{id}} with an ID such as {@code h100-us-iowa-1}.
 */
public record QuotaUpdated(
        String name,
        String account,
        String acceleratorType,
        String region,
        long value,
        Instant time) {
}
