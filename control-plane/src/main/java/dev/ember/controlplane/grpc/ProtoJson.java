package dev.ember.controlplane.grpc;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.JsonErrors;
import dev.ember.controlplane.web.Etags;
import dev.ember.controlplane.web.Tagged;

/**
 * Converts between the gRPC messages and the REST API records through their JSON form, which is the same by design
 * (proto3 JSON names are the REST field names; durations, timestamps and int64 are written alike). One mapping serves
 * every resource, and the gRPC API cannot drift from the REST one without a test noticing.
 */
public final class ProtoJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {
    }

    /** A request message as the API record the services take. */
    public static <T> T toApi(Message message, Class<T> type) {
        try {
            return JSON.readValue(PRINTER.print(message), type);
        } catch (InvalidProtocolBufferException e) {
            throw InvalidArgumentException.field("request", e.getMessage());
        } catch (IllegalArgumentException e) {
            // A timestamp or duration outside protobuf's range (years 1 to 9999, +-10,000 years) cannot be printed.
            String field = outOfRange(message, "");
            throw InvalidArgumentException.field(field == null ? "request" : field, e.getMessage());
        } catch (JsonProcessingException e) {
            throw JsonErrors.invalidArgument(e);
        }
    }

    /** The JSON path of the first timestamp or duration in {@code message} that protobuf rejects, or null. */
    private static String outOfRange(Message message, String prefix) {
        for (Map.Entry<Descriptors.FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            Descriptors.FieldDescriptor f = e.getKey();
            if (f.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE || f.isMapField()) {
                continue;
            }
            String path = prefix + f.getJsonName();
            for (Object value : f.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue())) {
                if (value instanceof Timestamp t
                        ? !Timestamps.isValid(t)
                        : value instanceof Duration d ? !Durations.isValid(d) : false) {
                    return path;
                }
                String inner = outOfRange((Message) value, path + ".");
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /** An API record as the response message. */
    @SuppressWarnings("unchecked")
    public static <M extends Message> M toProto(Object api, Message.Builder builder) {
        try {
            PARSER.merge(JSON.writeValueAsString(api), builder);
            return (M) builder.build();
        } catch (JsonProcessingException | InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot map " + api.getClass().getSimpleName() + " to "
                    + builder.getDescriptorForType().getFullName(), e);
        }
    }

    /** A resource with its entity tag, as the response message (whose {@code etag} field takes the tag). */
    public static <M extends Message> M toProto(Tagged<?> tagged, Message.Builder builder) {
        builder.setField(builder.getDescriptorForType().findFieldByName("etag"), tagged.etag());
        return toProto(tagged.resource(), builder);
    }

    /**
     * The etag an update is conditional on: the request's {@code etag}, else the one in the resource message (as a
     * get returned it), else none (unconditional).
     */
    public static String etag(String requestEtag, String resourceEtag) {
        return requestEtag.isEmpty() ? orNull(resourceEtag) : requestEtag;
    }

    /** A resource just created, with its first entity tag. */
    public static <M extends Message> M created(Object api, Message.Builder builder) {
        return toProto(new Tagged<>(api, Etags.CREATED), builder);
    }

    /** An empty string as null: proto3 has no absent strings. */
    public static String orNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
