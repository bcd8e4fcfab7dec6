package dev.ember.controlplane.deployment.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.DeploymentName;

@Entity
@Table(name = "deployment")
@IdClass(DeploymentEntity.Key.class)
public class DeploymentEntity {

    /** The state of a soft-deleted deployment: lists hide it unless asked to show deleted deployments. */
    public static final String DELETED = "DELETED";

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "deployment_id")
    public String deploymentId;

    public String uid;

    public long generation;

    @Column(name = "display_name")
    public String displayName;

    public String description;

    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Column(name = "accelerator_count")
    public int acceleratorCount;

    public String precision;

    @Column(name = "min_replica_count")
    public int minReplicaCount;

    @Column(name = "max_replica_count")
    public int maxReplicaCount;

    public String placement;

    /** The shape version the deployment was made from (its settings unchanged since), or null. */
    @Column(name = "deployment_shape")
    public String deploymentShape;

    /** Speculative decoding with this draft model, or null. */
    @Column(name = "draft_model")
    public String draftModel;

    /** Tokens proposed per speculative step; 0 without speculation. */
    @Column(name = "draft_token_count")
    public int draftTokenCount;

    /** N-gram speculation matching this many tokens; 0 when off. */
    @Column(name = "ngram_speculation_length")
    public int ngramSpeculationLength;

    @Column(name = "enable_addons")
    public boolean enableAddons;

    /** 0: the model's context length. */
    @Column(name = "max_context_length")
    public int maxContextLength;

    /** How many :scale requests were made; each event carries its number so the scheduler applies each once. */
    @Column(name = "scale_sequence")
    public long scaleSequence;

    @Column(name = "scale_up_window_ms")
    public long scaleUpWindowMs;

    @Column(name = "scale_down_window_ms")
    public long scaleDownWindowMs;

    @Column(name = "scale_to_zero_window_ms")
    public long scaleToZeroWindowMs;

    @Column(name = "load_targets")
    @Convert(converter = LoadTargetsConverter.class)
    public Map<String, Double> loadTargets;

    /** Scaling schedules by name, as JSON ({@code ScalingSchedule.toJson}). */
    @Column(name = "scaling_schedules")
    public String scalingSchedules;

    /**
     * The GPU quota of its region that its last create or update was checked against (null: none applied); the
     * commit-time holdings trigger refuses the write if the region's holdings then exceed it (V18, ADR 30).
     */
    @Column(name = "quota_gpus")
    public Long quotaGpus;

    public String state;

    @Column(name = "status_code")
    public String statusCode;

    @Column(name = "status_message")
    public String statusMessage;

    @Column(name = "replica_count")
    public int replicaCount;

    @Column(name = "desired_replica_count")
    public int desiredReplicaCount;

    @Column(name = "pending_replicas")
    public int pendingReplicas;

    @Column(name = "downloading_replicas")
    public int downloadingReplicas;

    @Column(name = "initializing_replicas")
    public int initializingReplicas;

    @Column(name = "ready_replicas")
    public int readyReplicas;

    @Column(name = "current_region")
    public String currentRegion;

    @Column(name = "status_sequence")
    public long statusSequence;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    /** Set while the deployment is soft-deleted (state DELETED), null otherwise. */
    @Column(name = "delete_time")
    public Instant deleteTime;

    /** When a soft-deleted deployment stops being restorable; null unless deleted. */
    @Column(name = "purge_time")
    public Instant purgeTime;

    /** Soft-deleted: DELETING while its replicas drain, then DELETED; restorable with :undelete. */
    public boolean softDeleted() {
        return deleteTime != null;
    }

    public DeploymentName name() {
        return new DeploymentName(accountId, deploymentId);
    }

    public static class Key implements Serializable {

        public String accountId;
        public String deploymentId;

        public Key() {
        }

        public Key(DeploymentName name) {
            this.accountId = name.account();
            this.deploymentId = name.deployment();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId)
                    && Objects.equals(deploymentId, k.deploymentId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, deploymentId);
        }
    }
}
