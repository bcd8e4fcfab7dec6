package dev.ember.common.event;

/**
 * A model changed: its display name or description, or its upload was validated and it became READY (then, for a
 * base model, {@code profile} carries the shape read from its config.json).
 */
public record ModelUpdated(ModelSpec model) {
}
