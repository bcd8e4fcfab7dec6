package dev.ember.common.event;

import java.time.Instant;

/**
 * One data-plane instance's load on one deployment over the last report interval. The scheduler sums the newest
 * report of every instance. {@code lastRequestTime} is the last time a request for the deployment arrived there.
 */
public record LoadReported(
        String deployment,
        String instance,
        double requestsPerSecond,
        double concurrentRequests,
        double promptTokensPerSecond,
        double generatedTokensPerSecond,
        Instant lastRequestTime,
        Instant time) {
}
