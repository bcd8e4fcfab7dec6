package dev.ember.cli;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An error answer of the control plane ({@code google.rpc.Status} JSON: code, status, message, details with an
 * {@code ErrorInfo} reason and {@code BadRequest} field violations) or of the data plane (the OpenAI shape
 * {@code {"error": {...}}}).
 */
public final class ApiException extends CliException {

    private final int httpStatus;
    private final String status;
    private final String reason;
    private final List<FieldViolation> fieldViolations;
    private final JsonNode body;

    public record FieldViolation(String field, String description) {
    }

    ApiException(int httpStatus, String status, String message, String reason, List<FieldViolation> violations,
            JsonNode body) {
        super(ExitCodes.forHttpStatus(httpStatus), message);
        this.httpStatus = httpStatus;
        this.status = status;
        this.reason = reason;
        this.fieldViolations = List.copyOf(violations);
        this.body = body;
    }

    /** Reads an error body; one that is not JSON of a known shape is reported with its HTTP status and text. */
    public static ApiException from(int httpStatus, JsonNode body, String text) {
        if (body != null && body.has("error") && body.get("error").isObject()) {
            JsonNode error = body.get("error");
            return new ApiException(httpStatus, textOrNull(error.get("type")), error.path("message").asText(text),
                    textOrNull(error.get("code")), List.of(), body);
        }
        if (body != null && body.has("message")) {
            String reason = null;
            List<FieldViolation> violations = new ArrayList<>();
            for (JsonNode detail : body.path("details")) {
                if (reason == null && detail.hasNonNull("reason")) {
                    reason = detail.get("reason").asText();
                }
                for (JsonNode violation : detail.path("fieldViolations")) {
                    violations.add(new FieldViolation(violation.path("field").asText(),
                            violation.path("description").asText()));
                }
            }
            return new ApiException(httpStatus, textOrNull(body.get("status")), body.get("message").asText(), reason,
                    violations, body);
        }
        String message = text == null || text.isBlank() ? "no body" : text.strip();
        return new ApiException(httpStatus, null, "HTTP " + httpStatus + ": " + message, null, List.of(), body);
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The status name, such as {@code INVALID_ARGUMENT}; null when the server gave none. */
    public String status() {
        return status;
    }

    /** The UPPER_SNAKE reason of the {@code ErrorInfo} detail (or the OpenAI error's code); null when none. */
    public String reason() {
        return reason;
    }

    public List<FieldViolation> fieldViolations() {
        return fieldViolations;
    }

    /** The error body as the server sent it, or null when it was not JSON. */
    public JsonNode body() {
        return body;
    }

    /**
     * For people: {@code INVALID_ARGUMENT (INVALID_FIELD): message}, then one line per field violation that the
     * message does not already say.
     */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (status != null) {
            text.append(status);
            if (reason != null && !reason.equals(status)) {
                text.append(" (").append(reason).append(')');
            }
            text.append(": ");
        } else if (reason != null) {
            text.append(reason).append(": ");
        }
        text.append(getMessage());
        for (FieldViolation violation : fieldViolations) {
            String line = violation.field() + ": " + violation.description();
            if (!getMessage().contains(line)) {
                text.append("\n  ").append(line);
            }
        }
        return text.toString();
    }
}
