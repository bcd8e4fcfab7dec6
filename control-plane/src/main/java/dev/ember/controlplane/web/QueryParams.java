package dev.ember.controlplane.web;

import dev.ember.common.error.InvalidArgumentException;

/** Strict parsing of query parameters: "yes" is not silently false. */
public final class QueryParams {

    private QueryParams() {
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
