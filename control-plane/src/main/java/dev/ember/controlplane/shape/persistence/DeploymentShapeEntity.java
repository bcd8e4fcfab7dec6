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

/** A deployment shape: which base model and preset it is for, and which of its versions is the latest. */
@Entity
@Table(name = "deployment_shape")
@IdClass(DeploymentShapeEntity.Key.class)
public class DeploymentShapeEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "shape_id")
    public String shapeId;

    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "preset_type")
    public String presetType;

    @Column(name = "latest_version")
    public long latestVersion;

    @Column(name = "create_time")
    public Instant createTime;

    /** When the latest version was made. */
    @Column(name = "update_time")
    public Instant updateTime;

    public DeploymentShapeName name() {
        return new DeploymentShapeName(accountId, shapeId);
    }

    public static class Key implements Serializable {

        public String accountId;
        public String shapeId;

        public Key() {
        }

        public Key(DeploymentShapeName name) {
            this.accountId = name.account();
            this.shapeId = name.shape();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(shapeId, k.shapeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, shapeId);
        }
    }
}
