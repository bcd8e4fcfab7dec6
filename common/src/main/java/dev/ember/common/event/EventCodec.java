package dev.ember.common.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * CloudEvents 1.0 in the Kafka binary binding: attributes in {@code ce_*} headers, JSON data in the value, the
 * subject (the full resource name) as the record key.
 */
public final class EventCodec {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private EventCodec() {
    }

    public static String toJson(Object data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode event data " + data.getClass().getName(), e);
        }
    }

    /** Reads JSON that {@link #toJson} wrote. */
    public static <T> T fromJson(String json, com.fasterxml.jackson.core.type.TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode " + json, e);
        }
    }

    public static Headers headers(String id, String type, String source, String subject, Instant time) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", bytes(SPEC_VERSION));
        headers.add("ce_id", bytes(id));
        headers.add("ce_type", bytes(type));
        headers.add("ce_source", bytes(source));
        headers.add("ce_subject", bytes(subject));
        headers.add("ce_time", bytes(time.toString()));
        headers.add("content-type", bytes(CONTENT_TYPE));
        return headers;
    }

    /**
     * Decodes a record. Empty when the type is not one this build knows (a newer producer) or the record is a
     * tombstone; a known type with undecodable data is an error.
     */
    public static Optional<Event<?>> decode(Headers headers, byte[] value) {
        String type = header(headers, "ce_type");
        if (value == null || type == null) {
            return Optional.empty();
        }
        Optional<EventType<?>> known = EventTypes.find(type);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(decode(known.get(), headers, value));
    }

    private static <T> Event<T> decode(EventType<T> type, Headers headers, byte[] value) {
        try {
            T data = JSON.readValue(value, type.payloadType());
            String time = header(headers, "ce_time");
            return new Event<>(header(headers, "ce_id"), type, header(headers, "ce_source"),
                    header(headers, "ce_subject"), time == null ? null : Instant.parse(time), data);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode " + type.type() + ": " + e.getMessage(), e);
        }
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
