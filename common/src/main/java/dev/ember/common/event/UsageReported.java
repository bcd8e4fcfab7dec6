package dev.ember.common.event;

import java.time.Instant;

/**
 * Tokens one data-plane instance served for one account, model, deployment and API key between {@code windowStart}
 * and {@code windowEnd}. {@code sequence} rises with every report of an instance, so {@code (instance, sequence)}
 * identifies a report and a redelivered one is counted once. {@code usageType} is SERVERLESS or DEDICATED_DEPLOYMENT.
 */
public record UsageReported(
        String instance,
        long sequence,
        String account,
        String model,
        String deployment,
        String apiKey,
        String usageType,
        long requests,
        long promptTokens,
        long completionTokens,
        Instant windowStart,
        Instant windowEnd) {

    public static final String SERVERLESS = "SERVERLESS";
    public static final String DEDICATED_DEPLOYMENT = "DEDICATED_DEPLOYMENT";
}
