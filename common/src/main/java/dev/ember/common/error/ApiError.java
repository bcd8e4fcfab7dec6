package dev.ember.common.error;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control plane's error body, in the google.rpc.Status JSON shape used by AIP-193 and grpc-gateway:
 * {@code {"code": 3, "status": "INVALID_ARGUMENT", "message": ..., "details": [ErrorInfo, BadRequest]}}.
 */
public record ApiError(int code, String status, String message, List<Map<String, Object>> details) {

    public static final String DOMAIN = "ember.dev";

    public static ApiError of(EmberException e) {
        List<Map<String, Object>> details = new ArrayList<>();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", e.reason());
        info.put("domain", DOMAIN);
        details.add(info);
        if (!e.violations().isEmpty()) {
            List<Map<String, String>> violations = new ArrayList<>();
            for (FieldViolation v : e.violations()) {
                violations.add(Map.of("field", v.field(), "description", v.description()));
            }
            Map<String, Object> badRequest = new LinkedHashMap<>();
            badRequest.put("@type", "type.googleapis.com/google.rpc.BadRequest");
            badRequest.put("fieldViolations", violations);
            details.add(badRequest);
        }
        return new ApiError(e.code().grpcCode().value(), e.code().statusName(), e.getMessage(), details);
    }
}
