package dev.ember.scheduler.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The scheduler's copy of a deployment spec, and what it wants for it. */
@Entity(name = "SchedulerDeployment")
@Table(name = "deployment")
public class DeploymentEntity {

    @Id
    public String name;

    public String uid;

    public long generation;

    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "weight_bytes")
    public long weightBytes;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Column(name = "accelerator_count")
    public int acceleratorCount;

    public String precision;

    /** The spec generation whose hardware replicas must run; replicas of an older one are replaced one by one. */
    @Column(name = "replica_generation")
    public long replicaGeneration;

    /** Region or mega-region the spec allows. */
    public String placement;

    /** For GLOBAL placement: the one region chosen at creation; never migrated. */
    @Column(name = "pinned_region")
    public String pinnedRegion;

    @Column(name = "desired_replicas")
    public int desiredReplicas;

    @Column(name = "status_sequence")
    public long statusSequence;

    /** The last status published, to publish only changes. */
    @Column(name = "last_status")
    public String lastStatus;

    @Column(name = "min_replicas")
    public int minReplicas;

    @Column(name = "max_replicas")
    public int maxReplicas;

    @Column(name = "scale_up_window_ms")
    public long scaleUpWindowMs;

    @Column(name = "scale_down_window_ms")
    public long scaleDownWindowMs;

    @Column(name = "scale_to_zero_window_ms")
    public long scaleToZeroWindowMs;

    /** JSON object of per-replica load targets. */
    @Column(name = "load_targets")
    public String loadTargets;

    /** Scaling schedules by name, as JSON ({@code ScalingSchedule.toJson}). */
    @Column(name = "scaling_schedules")
    public String scalingSchedules;

    /** The last time any data plane saw a request for this deployment (or when the scheduler learned of it). */
    @Column(name = "last_request_time")
    public Instant lastRequestTime;

    /** Since when the recommended count has been above desired (scale-up window). */
    @Column(name = "above_since")
    public Instant aboveSince;

    /** Since when the recommended count has been below desired (scale-down window). */
    @Column(name = "below_since")
    public Instant belowSince;

    /** Why desired replicas last changed. */
    @Column(name = "scaling_reason")
    public String scalingReason;

    /** What replicas are started with beyond their hardware ({@code DeploymentSpec.servingOptions()}). */
    @Column(name = "serving_options")
    public String servingOptions;

    /** The number of the newest :scale request applied; older or redelivered ones change nothing. */
    @Column(name = "scale_sequence")
    public long scaleSequence;

    /**
     * When a :scale request set zero replicas; null otherwise. Until a request arrives after it, the deployment counts
     * as idle, so the autoscaler does not bring it back for traffic from before the request.
     */
    @Column(name = "manual_zero_at")
    public Instant manualZeroAt;

    /** Deleted in the control plane: no replicas, no autoscaling. */
    public boolean deleted;

    /** When the scheduler asked the control plane to delete this idle deployment (asked once). */
    @Column(name = "deletion_requested_at")
    public Instant deletionRequestedAt;

    @Column(name = "create_time")
    public Instant createTime;

    /**
     * The number the database gave this row's last insert or update (V7); read only here. The reconciler reads again
     * the rows changed since its last tick.
     */
    @Column(name = "change_seq", insertable = false, updatable = false)
    public long changeSeq;

    @Column(name = "update_time")
    public Instant updateTime;
}
