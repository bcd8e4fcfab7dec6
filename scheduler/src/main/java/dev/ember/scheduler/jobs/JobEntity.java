package dev.ember.scheduler.jobs;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A job on the GPU pool as the scheduler runs it; see V8__jobs.sql. */
@Entity
@Table(name = "job")
public class JobEntity {

    @Id
    public String name;

    public String uid;

    public String kind;

    public String account;

    public long generation;

    /** One of JobProgressReported's states. */
    public String state;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    public int gpus;

    @Column(name = "node_id")
    public String nodeId;

    public String region;

    @Column(name = "total_units")
    public long totalUnits;

    @Column(name = "units_per_epoch")
    public long unitsPerEpoch;

    @Column(name = "base_units")
    public long baseUnits;

    @Column(name = "run_start")
    public Instant runStart;

    @Column(name = "completed_units")
    public long completedUnits;

    public long sequence;

    public String message;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;
}
