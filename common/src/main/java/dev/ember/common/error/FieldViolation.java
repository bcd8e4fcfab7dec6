package dev.ember.common.error;

/** One bad field of a request: its JSON path and what is wrong with it. */
public record FieldViolation(String field, String description) {
}
