package dev.ember.dataplane.openai;

import java.time.Duration;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.UnavailableException;
import dev.ember.dataplane.ratelimit.RateLimitedException;
import dev.ember.dataplane.ratelimit.RateLimiter;

/**
 * An inference error as the OpenAI shape describes it, whichever API it leaves by: the HTTP status and gRPC code (from
 * the common error table), {@code type}, {@code code}, {@code message}, the parameter at fault, and how long to wait
 * before retrying. {@link OpenAiErrors} writes it as an HTTP body, the gRPC service as a status with details.
 *
 * @param param the first field violation's field, or null
 * @param retryAfter when to retry (HTTP Retry-After), or null
 */
public record OpenAiError(ErrorCode errorCode, String type, String code, String message, String param,
        Duration retryAfter) {

    public static OpenAiError of(EmberException e) {
        String param = e.violations().isEmpty() ? null : e.violations().get(0).field();
        Duration retryAfter = null;
        if (e instanceof UnavailableException u) {
            retryAfter = u.retryAfter().orElse(null);
        } else if (e instanceof RateLimitedException limited) {
            retryAfter = Duration.ofSeconds(Math.max(1, RateLimiter.seconds(limited.retryAfter())));
        }
        return new OpenAiError(e.code(), typeFor(e.code().httpStatus()), code(e), e.getMessage(), param, retryAfter);
    }

    public int httpStatus() {
        return errorCode.httpStatus();
    }

    private static String code(EmberException e) {
        return e.code() == ErrorCode.INVALID_ARGUMENT && "INVALID_FIELD".equals(e.reason())
                ? "invalid_request_error"
                : e.reason();
    }

    static String typeFor(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "internal_error" : "invalid_request_error";
        };
    }
}
