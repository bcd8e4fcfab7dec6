package dev.ember.common.error;

public class UnauthenticatedException extends EmberException {

    public UnauthenticatedException(String message) {
        super(ErrorCode.UNAUTHENTICATED, "UNAUTHENTICATED", message);
    }

    public UnauthenticatedException(String reason, String message) {
        super(ErrorCode.UNAUTHENTICATED, reason, message);
    }
}
