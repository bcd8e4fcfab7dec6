package dev.ember.dataplane.ratelimit;

import java.time.Duration;

import dev.ember.common.error.ResourceExhaustedException;

/** 429: an account went over a serverless rate limit; carries the limits to send as headers. */
public class RateLimitedException extends ResourceExhaustedException {

    private final RateLimiter.Decision decision;

    public RateLimitedException(String reason, String message, RateLimiter.Decision decision) {
        super(reason, message);
        this.decision = decision;
    }

    public RateLimiter.Decision decision() {
        return decision;
    }

    /** When to try again: when the window that ran out resets. */
    public Duration retryAfter() {
        return decision.reset();
    }
}
