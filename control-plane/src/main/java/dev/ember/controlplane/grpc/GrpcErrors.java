package dev.ember.controlplane.grpc;

import org.jboss.logging.Logger;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;

import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import dev.ember.common.error.ApiError;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.FieldViolation;
import dev.ember.controlplane.error.EmberExceptions;

/**
 * Failures as gRPC statuses from the same error table as REST: the code, the message, and a google.rpc.Status in the
 * trailers with the ErrorInfo reason and the BadRequest field violations (what REST puts in {@code details}).
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException s) {
            return s;
        }
        EmberException e = EmberExceptions.unwrap(failure);
        if (e == null) {
            LOG.error("Unexpected error", failure);
            e = new EmberException(ErrorCode.INTERNAL, "INTERNAL", "internal error");
        } else if (e.code().httpStatus() >= 500) {
            LOG.error("Call failed", e);
        }
        Status.Builder status = Status.newBuilder()
                .setCode(e.code().grpcCode().value())
                .setMessage(e.getMessage())
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(e.reason()).setDomain(ApiError.DOMAIN).build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : e.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(v.field())
                        .setDescription(v.description()));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
