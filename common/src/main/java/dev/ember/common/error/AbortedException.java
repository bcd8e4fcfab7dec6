package dev.ember.common.error;

public class AbortedException extends EmberException {

    public AbortedException(String message) {
        super(ErrorCode.ABORTED, "ABORTED", message);
    }

    public AbortedException(String reason, String message) {
        super(ErrorCode.ABORTED, reason, message);
    }
}
