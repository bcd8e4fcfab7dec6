package dev.ember.common.event;

import java.time.Instant;

/** A model and its files were deleted. {@code uid} tells it from a later model of the same name. */
public record ModelDeleted(String name, String uid, Instant deleteTime) {
}
