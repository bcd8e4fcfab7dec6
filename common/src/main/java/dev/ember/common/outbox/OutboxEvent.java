package dev.ember.common.outbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** An event written in the same transaction as the state change it describes, waiting for the relay. */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(nullable = false)
    public String topic;

    @Column(name = "event_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String source;

    @Column(name = "event_time", nullable = false)
    public Instant time;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    /** W3C {@code traceparent} of the span that wrote the event; null when none was recording. */
    public String traceparent;

    /** W3C {@code tracestate} that came with {@link #traceparent}; usually null. */
    public String tracestate;
}
