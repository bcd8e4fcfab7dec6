package dev.ember.common.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/** A reactive-messaging message for one event: value, key (the subject), topic and CloudEvents headers. */
public final class EventMessages {

    private EventMessages() {
    }

    public static Message<byte[]> message(String id, String topic, String type, String source, String subject,
            Instant time, String json) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(subject)
                .withHeaders(EventCodec.headers(id, type, source, subject, time))
                .build();
        return Message.of(json.getBytes(StandardCharsets.UTF_8)).addMetadata(metadata);
    }

    public static <T> Message<byte[]> message(EventType<T> type, String source, String subject, Instant time, T data) {
        return message(UUID.randomUUID().toString(), type.topic(), type.type(), source, subject, time,
                EventCodec.toJson(data));
    }
}
