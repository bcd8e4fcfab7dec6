package dev.ember.common.error;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/** A request body Jackson could not read, as an INVALID_ARGUMENT naming the JSON path of the bad field. */
public final class JsonErrors {

    private JsonErrors() {
    }

    public static InvalidArgumentException invalidArgument(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return InvalidArgumentException.field(path(u), "unknown field '" + u.getPropertyName() + "'");
        }
        if (e instanceof InvalidFormatException f) {
            return InvalidArgumentException.field(path(f),
                    "cannot read '" + f.getValue() + "' as " + f.getTargetType().getSimpleName());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return InvalidArgumentException.field(path(m), "has the wrong type");
        }
        return new InvalidArgumentException("MALFORMED_JSON",
                "request body is not valid JSON: " + e.getOriginalMessage(),
                List.of(new FieldViolation("body", "not valid JSON")));
    }

    /** {@code placement.region}, {@code messages[0].role}. */
    static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
