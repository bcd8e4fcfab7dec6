package dev.ember.common.error;

public class FailedPreconditionException extends EmberException {

    public FailedPreconditionException(String message) {
        super(ErrorCode.FAILED_PRECONDITION, "FAILED_PRECONDITION", message);
    }

    public FailedPreconditionException(String reason, String message) {
        super(ErrorCode.FAILED_PRECONDITION, reason, message);
    }
}
