package dev.ember.common.error;

import java.util.List;

public class InvalidArgumentException extends EmberException {

    public InvalidArgumentException(String reason, String message, List<FieldViolation> violations) {
        super(ErrorCode.INVALID_ARGUMENT, reason, message, violations, null);
    }

    /** One bad field; the message reads "{field}: {description}". */
    public static InvalidArgumentException field(String field, String description) {
        return new InvalidArgumentException("INVALID_FIELD", field + ": " + description,
                List.of(new FieldViolation(field, description)));
    }

    public static InvalidArgumentException fields(List<FieldViolation> violations) {
        StringBuilder message = new StringBuilder();
        for (FieldViolation v : violations) {
            if (!message.isEmpty()) {
                message.append("; ");
            }
            message.append(v.field()).append(": ").append(v.description());
        }
        return new InvalidArgumentException("INVALID_FIELD", message.toString(), violations);
    }
}
