package dev.ember.common.error;

public class AlreadyExistsException extends EmberException {

    public AlreadyExistsException(String message) {
        super(ErrorCode.ALREADY_EXISTS, "ALREADY_EXISTS", message);
    }

    public AlreadyExistsException(String reason, String message) {
        super(ErrorCode.ALREADY_EXISTS, reason, message);
    }
}
