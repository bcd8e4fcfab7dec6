package dev.ember.common.observability;

import java.time.Duration;
import java.util.stream.LongStream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Latency buckets on every service's HTTP server timer ({@code http_server_requests_seconds_bucket}), so an operator
 * reads a route's percentiles with {@code histogram_quantile} and the share of requests within an objective (the
 * control plane's is 20 ms for a create) from the {@code le="0.02"} bucket, not only a count, a sum and a max. A
 * fixed, short list: every route and status of every service carries these series.
 */
@Singleton
public class HttpLatencyBuckets {

    /** The timer the Quarkus HTTP server binder records each request in. */
    public static final String TIMER = "http.server.requests";

    /** Upper bounds, in milliseconds. */
    public static final long[] BOUNDS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000};

    @Produces
    @Singleton
    MeterFilter httpLatencyBuckets() {
        double[] bounds = LongStream.of(BOUNDS_MS).mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();
        return new MeterFilter() {

            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return TIMER.equals(id.getName())
                        ? DistributionStatisticConfig.builder().serviceLevelObjectives(bounds).build().merge(config)
                        : config;
            }
        };
    }
}
