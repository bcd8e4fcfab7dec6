package dev.ember.controlplane.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;

/** Strict parsing of query parameters: "yes" is not silently false. */
public final class QueryParams {

    public static final int DEFAULT_PAGE_SIZE = 50;
    /** Larger page sizes are lowered to this, as Fireworks does, rather than refused. */
    public static final int MAX_PAGE_SIZE = 200;

    private QueryParams() {
    }

    /** A list's {@code pageSize}: 50 when unset or 0 (AIP-158), at most 200; a bad one adds a violation. */
    public static int pageSize(String value, List<FieldViolation> violations) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_PAGE_SIZE;
        }
        int size;
        try {
            size = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            violations.add(new FieldViolation("pageSize", "must be an integer, got '" + value + "'"));
            return DEFAULT_PAGE_SIZE;
        }
        if (size < 0) {
            violations.add(new FieldViolation("pageSize", "must not be negative, got " + size));
            return DEFAULT_PAGE_SIZE;
        }
        return size == 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
    }

    /**
     * An RFC 3339 time such as 2026-11-01T00:00:00Z; null when unset (or not a time, which adds a violation naming
     * {@code field}).
     */
    public static Instant time(String field, String value, List<FieldViolation> violations) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            violations.add(new FieldViolation(field, "must be an RFC 3339 time such as 2026-11-01T00:00:00Z, got '"
                    + value + "'"));
            return null;
        }
    }

    public static boolean bool(String name, String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw InvalidArgumentException.field(name, "must be true or false, got '" + value + "'");
        };
    }
}
