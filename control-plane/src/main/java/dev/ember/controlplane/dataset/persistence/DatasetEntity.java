package dev.ember.controlplane.dataset.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.DatasetName;

/** A dataset: one JSONL file, declared, uploaded, then validated and counted (UPLOADING, then READY). */
@Entity
@Table(name = "dataset")
@IdClass(DatasetEntity.Key.class)
public class DatasetEntity {

    public static final String UPLOADING = "UPLOADING";
    public static final String READY = "READY";

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "dataset_id")
    public String datasetId;

    public String uid;

    @Column(name = "display_name")
    public String displayName;

    public String state;

    /** CHAT, COMPLETION, or FORMAT_UNSPECIFIED until the upload is validated. */
    public String format;

    @Column(name = "example_count")
    public long exampleCount;

    @Column(name = "estimated_tokens")
    public long estimatedTokens;

    @Column(name = "average_turns")
    public double averageTurns;

    /** Every example has an answer to learn from (an assistant message, a completion): it can fine-tune a model. */
    public boolean trainable;

    public String filename;

    @Column(name = "size_bytes")
    public Long sizeBytes;

    public String sha256;

    @Column(name = "upload_time")
    public Instant uploadTime;

    @Column(name = "source_job_name")
    public String sourceJobName;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    public boolean isReady() {
        return READY.equals(state);
    }

    public boolean received() {
        return uploadTime != null;
    }

    public DatasetName datasetName() {
        return new DatasetName(accountId, datasetId);
    }

    public String name() {
        return datasetName().toString();
    }

    public static class Key implements Serializable {

        public String accountId;
        public String datasetId;

        public Key() {
        }

        public Key(String accountId, String datasetId) {
            this.accountId = accountId;
            this.datasetId = datasetId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId)
                    && Objects.equals(datasetId, k.datasetId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, datasetId);
        }
    }
}
