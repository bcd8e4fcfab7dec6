package dev.ember.controlplane.model.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.event.ModelProfile;

@Entity
@Table(name = "model")
@IdClass(ModelEntity.Key.class)
public class ModelEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "model_id")
    public String modelId;

    @Column(name = "display_name")
    public String displayName;

    public String kind;

    public String state;

    @Column(name = "parameter_count")
    public long parameterCount;

    @Column(name = "active_parameter_count")
    public long activeParameterCount;

    public int layers;

    @Column(name = "hidden_size")
    public int hiddenSize;

    @Column(name = "kv_heads")
    public int kvHeads;

    @Column(name = "head_dim")
    public int headDim;

    @Column(name = "context_length")
    public int contextLength;

    @Column(name = "default_precision")
    public String defaultPrecision;

    @Column(name = "supports_lora")
    public boolean supportsLora;

    @Column(name = "public_model")
    public boolean publicModel;

    @Column(name = "create_time")
    public Instant createTime;

    public String name() {
        return "accounts/" + accountId + "/models/" + modelId;
    }

    public ModelProfile profile() {
        return new ModelProfile(name(), parameterCount, activeParameterCount, layers, hiddenSize, kvHeads, headDim,
                contextLength, defaultPrecision);
    }

    public static class Key implements Serializable {

        public String accountId;
        public String modelId;

        public Key() {
        }

        public Key(String accountId, String modelId) {
            this.accountId = accountId;
            this.modelId = modelId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(modelId, k.modelId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, modelId);
        }
    }
}
