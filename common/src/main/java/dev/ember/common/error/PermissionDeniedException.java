package dev.ember.common.error;

public class PermissionDeniedException extends EmberException {

    public PermissionDeniedException(String message) {
        super(ErrorCode.PERMISSION_DENIED, "PERMISSION_DENIED", message);
    }

    public PermissionDeniedException(String reason, String message) {
        super(ErrorCode.PERMISSION_DENIED, reason, message);
    }
}
