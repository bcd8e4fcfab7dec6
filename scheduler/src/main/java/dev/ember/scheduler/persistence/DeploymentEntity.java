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

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;
}
