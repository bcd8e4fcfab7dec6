package dev.ember.common.event;

/** A CloudEvents {@code type}, the topic it travels on and the record its data decodes to. */
public record EventType<T>(String type, String topic, Class<T> payloadType) {
}
