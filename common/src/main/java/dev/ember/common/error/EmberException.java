package dev.ember.common.error;

import java.util.List;

/**
 * Every error a client may see. {@code reason} is an UPPER_SNAKE identifier that stays stable when the message
 * changes; {@code violations} name the bad fields of an INVALID_ARGUMENT.
 */
public class EmberException extends RuntimeException {

    private final ErrorCode code;
    private final String reason;
    private final List<FieldViolation> violations;

    public EmberException(ErrorCode code, String reason, String message) {
        this(code, reason, message, List.of(), null);
    }

    public EmberException(ErrorCode code, String reason, String message, List<FieldViolation> violations,
            Throwable cause) {
        super(message, cause);
        this.code = code;
        this.reason = reason;
        this.violations = List.copyOf(violations);
    }

    public ErrorCode code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
