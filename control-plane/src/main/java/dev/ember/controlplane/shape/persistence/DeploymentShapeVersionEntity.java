package dev.ember.controlplane.shape.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.DeploymentShapeName;
import dev.ember.common.name.DeploymentShapeVersionName;

/**
 * One immutable version of a deployment shape: the whole snapshot a deployment made from it copies. Only
 * {@code latest} ever changes, when a newer version is added.
 */
@Entity
@Table(name = "deployment_shape_version")
@IdClass(DeploymentShapeVersionEntity.Key.class)
public class DeploymentShapeVersionEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "shape_id")
    public String shapeId;

    /** 1, 2, ... in the order the versions were made; the version ID is its decimal form. */
    @Id
    public long version;

    public boolean latest;

    public boolean validated;

    @Column(name = "public_version")
    public boolean publicVersion;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "display_name")
    public String displayName;

    public String description;

    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "model_type")
    public String modelType;

    @Column(name = "parameter_count")
    public long parameterCount;

    @Column(name = "preset_type")
    public String presetType;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Column(name = "accelerator_count")
    public int acceleratorCount;

    public String precision;

    @Column(name = "draft_model")
    public String draftModel;

    @Column(name = "draft_token_count")
    public Integer draftTokenCount;

    @Column(name = "ngram_speculation_length")
    public Integer ngramSpeculationLength;

    @Column(name = "enable_addons")
    public Boolean enableAddons;

    @Column(name = "max_context_length")
    public Integer maxContextLength;

    public DeploymentShapeName shapeName() {
        return new DeploymentShapeName(accountId, shapeId);
    }

    public DeploymentShapeVersionName name() {
        return shapeName().version(Long.toString(version));
    }

    public static class Key implements Serializable {

        public String accountId;
        public String shapeId;
        public long version;

        public Key() {
        }

        public Key(DeploymentShapeName shape, long version) {
            this.accountId = shape.account();
            this.shapeId = shape.shape();
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(shapeId, k.shapeId)
                    && version == k.version;
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, shapeId, version);
        }
    }
}
