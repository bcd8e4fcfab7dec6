package dev.ember.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpc.Status;

class ErrorTableTest {

    @Test
    void eachErrorHasOneHttpStatusAndOneGrpcCode() {
        assertThat(ErrorCode.INVALID_ARGUMENT.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.UNAUTHENTICATED.httpStatus()).isEqualTo(401);
        assertThat(ErrorCode.PERMISSION_DENIED.httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.NOT_FOUND.httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.ALREADY_EXISTS.httpStatus()).isEqualTo(409);
        assertThat(ErrorCode.RESOURCE_EXHAUSTED.httpStatus()).isEqualTo(429);
        assertThat(ErrorCode.UNAVAILABLE.httpStatus()).isEqualTo(503);
        assertThat(ErrorCode.NOT_FOUND.grpcCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ErrorCode.PAYLOAD_TOO_LARGE.statusName()).isEqualTo("INVALID_ARGUMENT");
    }

    @Test
    void theBodyCarriesReasonAndFieldViolations() {
        ApiError body = ApiError.of(InvalidArgumentException.fields(List.of(
                new FieldViolation("minReplicaCount", "must be at least 0"),
                new FieldViolation("baseModel", "is required"))));
        assertThat(body.code()).isEqualTo(3);
        assertThat(body.status()).isEqualTo("INVALID_ARGUMENT");
        assertThat(body.message()).isEqualTo("minReplicaCount: must be at least 0; baseModel: is required");
        assertThat(body.details()).hasSize(2);
        assertThat(body.details().get(0)).containsEntry("reason", "INVALID_FIELD");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> violations = (List<Map<String, String>>) body.details().get(1)
                .get("fieldViolations");
        assertThat(violations).extracting(v -> v.get("field")).containsExactly("minReplicaCount", "baseModel");
    }

    @Test
    void otherErrorsHaveNoViolationDetail() {
        ApiError body = ApiError.of(new NotFoundException("deployment 'x' does not exist"));
        assertThat(body.code()).isEqualTo(5);
        assertThat(body.details()).hasSize(1);
    }
}
