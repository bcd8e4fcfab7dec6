package dev.ember.controlplane.deployedmodel.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.DeployedModelName;
import dev.ember.common.name.DeploymentName;

/**
 * A LoRA addon loaded onto a deployment of the same account. {@code deploymentUid} pins the deployment it was
 * loaded onto: a deployment deleted and created again under the same name is another deployment.
 */
@Entity
@Table(name = "deployed_model")
@IdClass(DeployedModelEntity.Key.class)
public class DeployedModelEntity {

    public static final String DEPLOYING = "DEPLOYING";
    public static final String DEPLOYED = "DEPLOYED";
    public static final String UNDEPLOYING = "UNDEPLOYING";

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "deployed_model_id")
    public String deployedModelId;

    public String uid;

    public long generation;

    @Column(name = "display_name")
    public String displayName;

    public String description;

    /** The LoRA addon's name. */
    public String model;

    /** The addon's base model, which the deployment serves. */
    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "deployment_id")
    public String deploymentId;

    @Column(name = "deployment_uid")
    public String deploymentUid;

    @Column(name = "default_target")
    public boolean defaultTarget;

    public String state;

    @Column(name = "status_code")
    public String statusCode;

    @Column(name = "status_message")
    public String statusMessage;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    public DeployedModelName name() {
        return new DeployedModelName(accountId, deployedModelId);
    }

    public DeploymentName deployment() {
        return new DeploymentName(accountId, deploymentId);
    }

    public static class Key implements Serializable {

        public String accountId;
        public String deployedModelId;

        public Key() {
        }

        public Key(DeployedModelName name) {
            this.accountId = name.account();
            this.deployedModelId = name.deployedModel();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId)
                    && Objects.equals(deployedModelId, k.deployedModelId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, deployedModelId);
        }
    }
}
