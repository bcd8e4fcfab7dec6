package dev.ember.controlplane.model.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A file a model's upload declared; {@code uploadTime} and {@code sha256} are set once it arrived whole. */
@Entity
@Table(name = "model_file")
@IdClass(ModelFileEntity.Key.class)
public class ModelFileEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "model_id")
    public String modelId;

    @Id
    public String filename;

    @Column(name = "size_bytes")
    public long sizeBytes;

    public String sha256;

    @Column(name = "upload_time")
    public Instant uploadTime;

    public boolean received() {
        return uploadTime != null;
    }

    public static class Key implements Serializable {

        public String accountId;
        public String modelId;
        public String filename;

        public Key() {
        }

        public Key(String accountId, String modelId, String filename) {
            this.accountId = accountId;
            this.modelId = modelId;
            this.filename = filename;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(modelId, k.modelId)
                    && Objects.equals(filename, k.filename);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, modelId, filename);
        }
    }
}
