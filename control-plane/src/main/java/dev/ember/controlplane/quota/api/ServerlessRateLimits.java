package dev.ember.controlplane.quota.api;

import java.util.List;
import java.util.Map;

/**
 * Fireworks' {@code gatewayListAccountServerlessRateLimitsResponse}: the limits an account has on each serverless
 * deployment ({@code rateLimits}, per second) and their history ({@code series}, empty: Ember keeps none).
 */
public record ServerlessRateLimits(List<AccountRateLimit> rateLimits, List<TimeSeries> series) {

    /** Requests a minute: Fireworks' {@code AccountRateLimitMetric} has no value for requests. */
    public static final String REQUESTS = "METRIC_UNSPECIFIED";
    public static final String TOKENS_PROMPT = "TOKENS_PROMPT";
    public static final String TOKENS_GENERATED = "TOKENS_GENERATED";

    /** {@code gatewayAccountRateLimit}: one deployment's limit on one metric, per second. */
    public record AccountRateLimit(String deployment, String metric, double effectiveLimit) {
    }

    /** {@code gatewayTimeSeries}. */
    public record TimeSeries(Map<String, String> labels, List<Point> values) {
    }

    /** {@code gatewayTimeSeriesPoint}: Unix seconds and the value, both as strings as protobuf JSON writes them. */
    public record Point(String timestamp, String value) {
    }
}
