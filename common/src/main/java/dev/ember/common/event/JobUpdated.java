package dev.ember.common.event;

/** A job was created, cancelled, resumed or deleted: the whole desired state, so the newest event is enough. */
public record JobUpdated(JobSpec job) {
}
