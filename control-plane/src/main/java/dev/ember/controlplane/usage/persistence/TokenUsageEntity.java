package dev.ember.controlplane.usage.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One data-plane usage report: tokens served for one account, model, deployment and API key in a window. */
@Entity
@Table(name = "token_usage")
@IdClass(TokenUsageEntity.Key.class)
public class TokenUsageEntity {

    @Id
    public String instance;

    @Id
    public long sequence;

    @Column(name = "account_id")
    public String accountId;

    public String model;

    public String deployment;

    @Column(name = "api_key")
    public String apiKey;

    @Column(name = "usage_type")
    public String usageType;

    public long requests;

    @Column(name = "prompt_tokens")
    public long promptTokens;

    @Column(name = "completion_tokens")
    public long completionTokens;

    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "window_end")
    public Instant windowEnd;

    public static class Key implements Serializable {

        public String instance;
        public long sequence;

        public Key() {
        }

        public Key(String instance, long sequence) {
            this.instance = instance;
            this.sequence = sequence;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && instance.equals(k.instance) && sequence == k.sequence;
        }

        @Override
        public int hashCode() {
            return Objects.hash(instance, sequence);
        }
    }
}
