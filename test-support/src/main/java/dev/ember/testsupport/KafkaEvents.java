package dev.ember.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.ember.common.event.Event;
import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventType;

/** Reads and writes platform events on the real broker, as another service would. */
public final class KafkaEvents {

    private final String bootstrapServers;

    public KafkaEvents(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Publishes an event the way the outbox relay does (CloudEvents headers, subject as key). */
    public <T> void publish(EventType<T> type, String subject, T data) {
        publish(type, subject, data, Map.of());
    }

    /** Publishes an event with extra headers, e.g. a W3C {@code traceparent} as a traced producer would add. */
    public <T> void publish(EventType<T> type, String subject, T data, Map<String, String> extraHeaders) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(type.topic(), null, subject,
                    EventCodec.toJson(data).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    EventCodec.headers(UUID.randomUUID().toString(), type.type(), "/test", subject, Instant.now()));
            extraHeaders.forEach((name, value) -> record.headers().add(name,
                    value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + type.type(), e);
        }
    }

    /** Every decodable event of {@code type} on its topic, from the beginning, read until {@code within} passes. */
    public <T> List<Event<T>> all(EventType<T> type, Duration within) {
        return read(type, e -> false, within);
    }

    /** The first event of {@code type} matching {@code match}, reading from the beginning for at most {@code within}. */
    public <T> Optional<Event<T>> first(EventType<T> type, Predicate<Event<T>> match, Duration within) {
        List<Event<T>> found = read(type, match, within);
        return found.stream().filter(match).findFirst();
    }

    /** The first raw record on {@code topic} with key {@code key} and CloudEvents type {@code type}, headers and all. */
    public Optional<ConsumerRecord<String, byte[]>> firstRecord(EventType<?> type, String key, Duration within) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(type.topic(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    var ceType = record.headers().lastHeader("ce_type");
                    if (key.equals(record.key()) && ceType != null && type.type().equals(new String(ceType.value(),
                            java.nio.charset.StandardCharsets.UTF_8))) {
                        return Optional.of(record);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private <T> List<Event<T>> read(EventType<T> type, Predicate<Event<T>> stop, Duration within) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Event<T>> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(type.topic(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Optional<Event<?>> event = EventCodec.decode(record.headers(), record.value());
                    if (event.isPresent() && event.get().type().equals(type)) {
                        Event<T> typed = (Event<T>) event.get();
                        events.add(typed);
                        if (stop.test(typed)) {
                            return events;
                        }
                    }
                }
            }
        }
        return events;
    }

}
