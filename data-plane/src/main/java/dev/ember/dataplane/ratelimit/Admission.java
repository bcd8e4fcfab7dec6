package dev.ember.dataplane.ratelimit;

import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.UsageReported;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ModelResolver;

/**
 * The one admission step of every inference request, simulated or proxied, once its deployment is resolved and its
 * replica chosen: serverless traffic (a deployment of the platform's serverless account, ADR 0015) is counted against
 * the caller's account rate limits, and the request's usage is keyed as serverless or dedicated for the ledger.
 */
@ApplicationScoped
public class Admission {

    @Inject
    ModelResolver models;

    @Inject
    RateLimiter limiter;

    /**
     * A request let in.
     *
     * @param rateLimits the account's limits after counting it, for the {@code x-ratelimit-*} headers; null when the
     *        deployment is the caller's own (not rate limited)
     * @param usageKey what its usage is counted by
     */
    public record Admitted(RateLimiter.Decision rateLimits, UsageReporter.Key usageKey) {
    }

    /**
     * Admits a request of at most {@code tokens} tokens (prompt and the most it may generate) to {@code deployment}.
     *
     * @param tokensParam the request parameter that sets most of the tokens, named when the request alone is over the
     *        tokens limit
     * @throws RateLimitedException (429) when the account's window has no room for it
     */
    public Admitted admit(KeyCache.Key caller, DeploymentSpec deployment, long tokens, String tokensParam) {
        return admit(caller, deployment, () -> tokens, tokensParam);
    }

    /** The same, with the tokens counted only when they are needed: for serverless traffic. */
    public Admitted admit(KeyCache.Key caller, DeploymentSpec deployment, LongSupplier tokens, String tokensParam) {
        boolean serverless = models.isServerless(deployment, caller);
        RateLimiter.Decision rateLimits = serverless
                ? limiter.admit(caller.account(), tokens.getAsLong(), tokensParam)
                : null;
        return new Admitted(rateLimits, new UsageReporter.Key(caller.account(), deployment.baseModel(),
                deployment.name(), caller.name(), serverless
                        ? UsageReported.SERVERLESS
                        : UsageReported.DEDICATED_DEPLOYMENT));
    }
}
