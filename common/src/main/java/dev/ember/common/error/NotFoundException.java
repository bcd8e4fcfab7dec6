package dev.ember.common.error;

public class NotFoundException extends EmberException {

    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, "NOT_FOUND", message);
    }

    public NotFoundException(String reason, String message) {
        super(ErrorCode.NOT_FOUND, reason, message);
    }
}
