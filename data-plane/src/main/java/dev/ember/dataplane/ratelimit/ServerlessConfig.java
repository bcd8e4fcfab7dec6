package dev.ember.dataplane.ratelimit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Serverless serving: which account's deployments are shared with every account, and how this instance enforces the
 * per-account rate limits on them (docs/inference-api.md, ADR 0015). The limits' defaults are quotas' defaults
 * ({@link dev.ember.common.quota.QuotaDefaults}), shared with the control plane.
 */
@ConfigMapping(prefix = "dataplane.serverless")
public interface ServerlessConfig {

    /** The platform account whose deployments serve its models to every account, billed per token. */
    @WithDefault("fireworks")
    String account();

    /**
     * How many data-plane instances share the traffic (the Helm chart's replica count, or the HPA's maximum): each
     * enforces its share of every limit, rounded up.
     */
    @WithDefault("1")
    int instances();

    /** The longest a request may ask to be held for a replica with {@code x-ember-wait-for-replica}. */
    @WithDefault("PT5M")
    Duration maxWaitForReplica();
}
