package dev.ember.dataplane.grpc;

import org.jboss.logging.Logger;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import dev.ember.common.error.ApiError;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.FieldViolation;
import dev.ember.dataplane.openai.OpenAiError;
import dev.ember.dataplane.ratelimit.RateLimitedException;

/**
 * Inference failures as gRPC statuses, from the same table as the HTTP errors ({@link OpenAiError}): the code from
 * the common error table, the same message, and in the trailers a google.rpc.Status with an ErrorInfo (reason = the
 * OpenAI {@code code}; metadata {@code type} and {@code param}), the BadRequest field violations, and a RetryInfo
 * plus a {@code retry-after} trailer (seconds) where HTTP sends Retry-After; a 429 of the serverless rate limits also
 * has the account's {@code x-ratelimit-*} as trailers, as HTTP has them as headers.
 */
final class InferenceGrpcErrors {

    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = Logger.getLogger(InferenceGrpcErrors.class);

    private InferenceGrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException s) {
            return s;
        }
        EmberException e;
        if (failure instanceof EmberException ember) {
            e = ember;
            if (e.code().httpStatus() >= 500) {
                LOG.warnf("Inference refused: %s", e.getMessage());
            }
        } else {
            LOG.error("Unexpected error", failure);
            e = new EmberException(ErrorCode.INTERNAL, "internal_error", "internal error");
        }
        OpenAiError error = OpenAiError.of(e);
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(error.code()).setDomain(ApiError.DOMAIN)
                .putMetadata("type", error.type());
        if (error.param() != null) {
            info.putMetadata("param", error.param());
        }
        Status.Builder status = Status.newBuilder().setCode(error.errorCode().grpcCode().value())
                .setMessage(error.message()).addDetails(Any.pack(info.build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : e.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(v.field())
                        .setDescription(v.description()));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        Metadata trailers = new Metadata();
        if (error.retryAfter() != null) {
            status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(error.retryAfter().toSeconds())).build()));
            trailers.put(RETRY_AFTER, String.valueOf(error.retryAfter().toSeconds()));
        }
        if (e instanceof RateLimitedException limited) {
            limited.decision().headers().forEach((name, value) -> trailers.put(Metadata.Key.of(name,
                    Metadata.ASCII_STRING_MARSHALLER), value));
        }
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }
}
