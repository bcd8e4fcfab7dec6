package dev.ember.controlplane.web.list;

/** {@code field = "value"}. */
public record Condition(ListSpec.Field field, String value) {
}
