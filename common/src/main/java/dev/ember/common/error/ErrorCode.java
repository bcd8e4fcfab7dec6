package dev.ember.common.error;

import io.grpc.Status;

/**
 * The one table from error to HTTP status and gRPC code (google.rpc.Code), used by the REST exception mappers and
 * the gRPC interceptors of every service.
 */
public enum ErrorCode {

    INVALID_ARGUMENT(400, Status.Code.INVALID_ARGUMENT), FAILED_PRECONDITION(400,
            Status.Code.FAILED_PRECONDITION), OUT_OF_RANGE(400, Status.Code.OUT_OF_RANGE), UNAUTHENTICATED(401,
                    Status.Code.UNAUTHENTICATED), PERMISSION_DENIED(403, Status.Code.PERMISSION_DENIED), NOT_FOUND(404,
                            Status.Code.NOT_FOUND), ALREADY_EXISTS(409, Status.Code.ALREADY_EXISTS), ABORTED(409,
                                    Status.Code.ABORTED), PAYLOAD_TOO_LARGE(413,
                                            Status.Code.INVALID_ARGUMENT), UNSUPPORTED_MEDIA_TYPE(415,
                                                    Status.Code.INVALID_ARGUMENT), RESOURCE_EXHAUSTED(429,
                                                            Status.Code.RESOURCE_EXHAUSTED), INTERNAL(500,
                                                                    Status.Code.INTERNAL), UNIMPLEMENTED(501,
                                                                            Status.Code.UNIMPLEMENTED), BAD_GATEWAY(502,
                                                                                    Status.Code.UNAVAILABLE), UNAVAILABLE(
                                                                                            503,
                                                                                            Status.Code.UNAVAILABLE), DEADLINE_EXCEEDED(
                                                                                                    504,
                                                                                                    Status.Code.DEADLINE_EXCEEDED);

    private final int httpStatus;
    private final Status.Code grpcCode;

    ErrorCode(int httpStatus, Status.Code grpcCode) {
        this.httpStatus = httpStatus;
        this.grpcCode = grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    /** The code for an HTTP status raised by the web layer itself (unknown path, wrong method or media type). */
    public static ErrorCode forHttpStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 405, 501 -> UNIMPLEMENTED;
            case 502 -> BAD_GATEWAY;
            case 409 -> ABORTED;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> RESOURCE_EXHAUSTED;
            case 503 -> UNAVAILABLE;
            case 504 -> DEADLINE_EXCEEDED;
            default -> status < 500 ? INVALID_ARGUMENT : INTERNAL;
        };
    }

    /** The name google.rpc.Status uses for this code (413 and 415 travel as INVALID_ARGUMENT). */
    public String statusName() {
        return grpcCode.name();
    }
}
