package dev.ember.controlplane.usage.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The GPU time of one replica: from when it was placed on a node until it terminated (open while it runs). */
@Entity
@Table(name = "gpu_usage")
public class GpuUsageEntity {

    @Id
    public String replica;

    @Column(name = "account_id")
    public String accountId;

    public String deployment;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    public int gpus;

    @Column(name = "start_time")
    public Instant startTime;

    @Column(name = "end_time")
    public Instant endTime;

    @Column(name = "last_sequence")
    public long lastSequence;
}
