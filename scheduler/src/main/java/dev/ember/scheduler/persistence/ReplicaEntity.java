package dev.ember.scheduler.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "replica")
public class ReplicaEntity {

    @Id
    public String name;

    @Column(name = "deployment_name")
    public String deploymentName;

    @Column(name = "deployment_uid")
    public String deploymentUid;

    public String state;

    @Column(name = "node_id")
    public String nodeId;

    public String region;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    public int gpus;

    /** The deployment's replica generation this replica runs; an older one is replaced. */
    public long generation;

    public long sequence;

    @Column(name = "next_transition_at")
    public Instant nextTransitionAt;

    public String message;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;
}
