package dev.ember.dataplane.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.ember.common.quota.QuotaDefaults;
import dev.ember.testsupport.MutableClock;

/**
 * The limiter alone: with several data-plane instances each enforces its share of an account's limits, and the window
 * is one minute from the account's first request in it.
 */
class RateLimiterTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    RateLimiter limiter(int instances) {
        RateLimiter limiter = new RateLimiter();
        limiter.clock = clock;
        limiter.config = new ServerlessConfig() {

            @Override
            public String account() {
                return "fireworks";
            }

            @Override
            public int instances() {
                return instances;
            }

            @Override
            public Duration maxWaitForReplica() {
                return Duration.ofMinutes(5);
            }
        };
        limiter.defaults = new QuotaDefaults() {

            @Override
            public long defaultGpus() {
                return 64;
            }

            @Override
            public long maxGpus() {
                return 128;
            }

            @Override
            public long serverlessRequestsPerMinute() {
                return 10;
            }

            @Override
            public long serverlessTokensPerMinute() {
                return 1001;
            }
        };
        return limiter;
    }

    @Test
    void eachOfThreeInstancesEnforcesAThirdRoundedUp() {
        RateLimiter limiter = limiter(3);
        RateLimiter.Decision first = limiter.admit("acme", 100, "max_tokens");
        assertThat(first.requestLimit()).isEqualTo(4);
        assertThat(first.tokenLimit()).isEqualTo(334);
        assertThat(first.requestsRemaining()).isEqualTo(3);
        assertThat(first.tokensRemaining()).isEqualTo(234);
        limiter.admit("acme", 100, "max_tokens");
        limiter.admit("acme", 100, "max_tokens");
        assertThatThrownBy(() -> limiter.admit("acme", 100, "max_tokens")).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("tokens per minute");
    }

    @Test
    void theWindowIsAMinuteFromTheFirstRequest() {
        RateLimiter limiter = limiter(1);
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            limiter.admit("acme", 1, "max_tokens");
        }
        clock.advance(Duration.ofSeconds(45));
        RateLimitedException refused = (RateLimitedException) catchThrowable(
                () -> limiter.admit("acme", 1, "max_tokens"));
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(15));
        assertThat(refused.decision().headers()).containsEntry("x-ratelimit-reset-requests", "15s")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-remaining-tokens", "991");
        assertThat(limiter.admit("other", 1, "max_tokens").requestsRemaining()).as("per account").isEqualTo(9);

        clock.advance(Duration.ofSeconds(15));
        RateLimiter.Decision fresh = limiter.admit("acme", 1, "max_tokens");
        assertThat(fresh.requestsRemaining()).isEqualTo(9);
        assertThat(fresh.reset()).isEqualTo(Duration.ofMinutes(1));
    }
}
