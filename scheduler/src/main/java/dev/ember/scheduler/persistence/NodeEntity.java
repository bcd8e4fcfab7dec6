package dev.ember.scheduler.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A simulated GPU node of the inventory. */
@Entity
@Table(name = "node")
public class NodeEntity {

    @Id
    @Column(name = "node_id")
    public String nodeId;

    public String region;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    public int gpus;

    /** No longer in the configured inventory: takes no new replicas. */
    public boolean retired;
}
