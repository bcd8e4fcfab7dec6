package dev.ember.common.error;

import java.time.Duration;
import java.util.Optional;

/** 503: try again later, after {@link #retryAfter()} when known (sent as a Retry-After header). */
public class UnavailableException extends EmberException {

    private final Duration retryAfter;

    public UnavailableException(String message) {
        this("UNAVAILABLE", message, null);
    }

    public UnavailableException(String reason, String message) {
        this(reason, message, null);
    }

    public UnavailableException(String reason, String message, Duration retryAfter) {
        super(ErrorCode.UNAVAILABLE, reason, message);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
