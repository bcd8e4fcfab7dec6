package dev.ember.common.event;

import java.time.Instant;

/** A decoded CloudEvent: envelope attributes and the typed data. */
public record Event<T>(String id, EventType<T> type, String source, String subject, Instant time, T data) {

    /** The data as {@code payloadType} when this event is of that type. */
    @SuppressWarnings("unchecked")
    public <P> java.util.Optional<P> dataAs(EventType<P> wanted) {
        return wanted.type().equals(type.type()) ? java.util.Optional.of((P) data) : java.util.Optional.empty();
    }
}
