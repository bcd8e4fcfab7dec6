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
import dev.ember.common.name.ModelName;

/**
 * A model: a catalog model, a custom base model or a LoRA addon (see {@code kind}). A base model's shape (layers,
 * hidden size, heads) is what serving needs; for a custom one it comes from its config.json when its upload is
 * validated, and is zero until then. A LoRA addon has {@code peftBaseModel} and {@code loraRank} instead, and zero
 * parameters of its own.
 */
@Entity
@Table(name = "model")
@IdClass(ModelEntity.Key.class)
public class ModelEntity {

    public static final String HF_BASE_MODEL = "HF_BASE_MODEL";
    public static final String HF_PEFT_ADDON = "HF_PEFT_ADDON";
    /** A model that turns text into vectors ({@code /embeddings}) and generates nothing; catalog models only. */
    public static final String EMBEDDING_MODEL = "EMBEDDING_MODEL";
    public static final String UPLOADING = "UPLOADING";
    public static final String READY = "READY";

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "model_id")
    public String modelId;

    public String uid;

    @Column(name = "display_name")
    public String displayName;

    public String description;

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

    /** The length of an embedding model's vectors; 0 for a model that generates text. */
    @Column(name = "embedding_dimensions")
    public int embeddingDimensions;

    @Column(name = "public_model")
    public boolean publicModel;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    /**
     * Raised by every change through the API; the entity tag is made from it. 1 when created, set where the entity is
     * made: an initializer here would run on every load and make each loaded row dirty (an UPDATE at every flush).
     */
    public long revision;

    @Column(name = "github_url")
    public String githubUrl;

    @Column(name = "hugging_face_url")
    public String huggingFaceUrl;

    @Column(name = "supports_tools")
    public boolean supportsTools;

    @Column(name = "supports_image_input")
    public boolean supportsImageInput;

    @Column(name = "world_size")
    public int worldSize;

    public boolean moe;

    @Column(name = "model_type")
    public String modelType;

    @Column(name = "checkpoint_format")
    public String checkpointFormat;

    /** For a LoRA addon: the name of the base model it was trained on. */
    @Column(name = "peft_base_model")
    public String peftBaseModel;

    @Column(name = "lora_rank")
    public Integer loraRank;

    /** For a LoRA addon: its target modules, as a JSON array. */
    @Column(name = "target_modules")
    public String targetModules;

    public boolean isAddon() {
        return HF_PEFT_ADDON.equals(kind);
    }

    /** Whether the model serves embeddings and generates no text. */
    public boolean isEmbedding() {
        return EMBEDDING_MODEL.equals(kind);
    }

    public boolean isReady() {
        return READY.equals(state);
    }

    public ModelName modelName() {
        return new ModelName(accountId, modelId);
    }

    public String name() {
        return "accounts/" + accountId + "/models/" + modelId;
    }

    public ModelProfile profile() {
        return new ModelProfile(name(), parameterCount, activeParameterCount, layers, hiddenSize, kvHeads, headDim,
                contextLength, defaultPrecision, embeddingDimensions);
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
