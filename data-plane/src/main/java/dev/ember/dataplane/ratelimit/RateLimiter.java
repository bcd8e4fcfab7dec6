package dev.ember.dataplane.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.common.quota.QuotaDefaults;

/**
 * Per-account rate limits on serverless deployments: requests a minute and tokens a minute, a request's tokens being
 * its prompt plus the most it may generate. Each account has a one-minute window that starts with its first request
 * and ends a minute later (read from the injected clock); a request that would go over either limit is refused with
 * 429 and counts for nothing. Limits come from the account's quotas {@value #REQUESTS_QUOTA} and
 * {@value #TOKENS_QUOTA} when the control plane has published them, else the quotas' defaults; this instance enforces
 * its share of them (ADR 0015).
 */
@ApplicationScoped
public class RateLimiter {

    public static final String REQUESTS_QUOTA = QuotaDefaults.SERVERLESS_REQUESTS;
    public static final String TOKENS_QUOTA = QuotaDefaults.SERVERLESS_TOKENS;
    static final Duration WINDOW = Duration.ofMinutes(1);

    /** The limits this instance enforces for an account, what is left of them, and when they are whole again. */
    public record Decision(long requestLimit, long requestsRemaining, long tokenLimit, long tokensRemaining,
            Duration reset) {

        /** As OpenAI sends them: limits, what is left, and the time to the reset ({@code 42s}). */
        public Map<String, String> headers() {
            String reset = seconds(reset()) + "s";
            Map<String, String> h = new LinkedHashMap<>();
            h.put("x-ratelimit-limit-requests", Long.toString(requestLimit));
            h.put("x-ratelimit-remaining-requests", Long.toString(requestsRemaining));
            h.put("x-ratelimit-reset-requests", reset);
            h.put("x-ratelimit-limit-tokens", Long.toString(tokenLimit));
            h.put("x-ratelimit-remaining-tokens", Long.toString(tokensRemaining));
            h.put("x-ratelimit-reset-tokens", reset);
            return h;
        }
    }

    /** An account's limits as set by its quotas; null where the default applies. */
    public record Limits(Long requestsPerMinute, Long tokensPerMinute, Instant requestsTime, Instant tokensTime) {
    }

    private static final class Window {

        Instant start;
        long requests;
        long tokens;
    }

    @Inject
    Clock clock;

    @Inject
    ServerlessConfig config;

    @Inject
    QuotaDefaults defaults;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Limits> overrides = new ConcurrentHashMap<>();

    /**
     * Counts a request of {@code tokens} tokens against the account's limits, or refuses it.
     *
     * @param tokensParam the request parameter that sets most of the tokens, named when the request alone exceeds
     *        the tokens limit
     * @throws RateLimitedException when the window has no room left for it
     */
    public Decision admit(String account, long tokens, String tokensParam) {
        long requestLimit = share(limits(account).requestsPerMinute());
        long tokenLimit = share(limits(account).tokensPerMinute());
        if (tokens > tokenLimit) {
            throw InvalidArgumentException.field(tokensParam, "the request asks for up to " + tokens + " tokens "
                    + "(prompt and " + tokensParam + "), more than the account's serverless limit of " + tokenLimit
                    + " tokens a minute; lower " + tokensParam);
        }
        Window w = windows.computeIfAbsent(account, a -> new Window());
        synchronized (w) {
            Instant now = clock.instant();
            if (w.start == null || !now.isBefore(w.start.plus(WINDOW))) {
                w.start = now;
                w.requests = 0;
                w.tokens = 0;
            }
            Duration reset = Duration.between(now, w.start.plus(WINDOW));
            if (w.requests + 1 > requestLimit) {
                throw new RateLimitedException("rate_limit_exceeded", "rate limit reached for requests per minute "
                        + "on serverless deployments: limit " + requestLimit + ", used " + w.requests
                        + "; retry in " + seconds(reset) + " s",
                        new Decision(requestLimit, 0, tokenLimit, tokenLimit - w.tokens, reset));
            }
            if (w.tokens + tokens > tokenLimit) {
                throw new RateLimitedException("rate_limit_exceeded", "rate limit reached for tokens per minute "
                        + "on serverless deployments: limit " + tokenLimit + ", used " + w.tokens + ", requested "
                        + tokens + " (prompt and " + tokensParam + "); retry in " + seconds(reset) + " s",
                        new Decision(requestLimit, requestLimit - w.requests, tokenLimit, tokenLimit - w.tokens,
                                reset));
            }
            w.requests++;
            w.tokens += tokens;
            return new Decision(requestLimit, requestLimit - w.requests, tokenLimit, tokenLimit - w.tokens, reset);
        }
    }

    /** The limits of an account before this instance's share is taken: its quotas', or the configured defaults. */
    public Limits limits(String account) {
        Limits set = overrides.get(account);
        return new Limits(set != null && set.requestsPerMinute() != null
                ? set.requestsPerMinute()
                : defaults.serverlessRequestsPerMinute(),
                set != null && set.tokensPerMinute() != null
                        ? set.tokensPerMinute()
                        : defaults.serverlessTokensPerMinute(),
                set == null ? null : set.requestsTime(), set == null ? null : set.tokensTime());
    }

    /** Applies a quota event: the two serverless quotas set an account's limits, the newest by time winning. */
    public void quota(QuotaUpdated quota) {
        String id = quota.name().substring(quota.name().lastIndexOf('/') + 1);
        Instant time = quota.time() == null ? Instant.EPOCH : quota.time();
        if (REQUESTS_QUOTA.equals(id)) {
            overrides.merge(quota.account(), new Limits(quota.value(), null, time, null),
                    (old, neu) -> old.requestsTime() != null && old.requestsTime().isAfter(time)
                            ? old
                            : new Limits(quota.value(), old.tokensPerMinute(), time, old.tokensTime()));
        } else if (TOKENS_QUOTA.equals(id)) {
            overrides.merge(quota.account(), new Limits(null, quota.value(), null, time),
                    (old, neu) -> old.tokensTime() != null && old.tokensTime().isAfter(time)
                            ? old
                            : new Limits(old.requestsPerMinute(), quota.value(), old.requestsTime(), time));
        }
    }

    /** This instance's share of an account-wide limit: 1/N of it, rounded up. */
    private long share(long limit) {
        int n = Math.max(1, config.instances());
        return (limit + n - 1) / n;
    }

    /** Whole seconds, rounded up: what Retry-After and the reset headers say. */
    public static long seconds(Duration d) {
        long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(s, 0);
    }
}
