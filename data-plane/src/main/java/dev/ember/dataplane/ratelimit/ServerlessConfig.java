package dev.ember.dataplane.ratelimit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Serverless serving: which account's deployments are shared with every account, and the per-account rate limits on
 * them (docs/inference-api.md, ADR 0015).
 */
@ConfigMapping(prefix = "dataplane.serverless")
public interface ServerlessConfig {

    /** The platform account whose deployments serve its models to every account, billed per token. */
    @WithDefault("fireworks")
    String account();

    /** Requests a minute an account may send to serverless deployments, unless its quota says otherwise. */
    @WithDefault("600")
    long requestsPerMinute();

    /** Prompt plus most generated tokens a minute an account may ask of serverless deployments, by default. */
    @WithDefault("1000000")
    long tokensPerMinute();

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
