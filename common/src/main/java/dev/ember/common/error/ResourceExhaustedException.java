package dev.ember.common.error;

public class ResourceExhaustedException extends EmberException {

    public ResourceExhaustedException(String message) {
        super(ErrorCode.RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", message);
    }

    public ResourceExhaustedException(String reason, String message) {
        super(ErrorCode.RESOURCE_EXHAUSTED, reason, message);
    }
}
