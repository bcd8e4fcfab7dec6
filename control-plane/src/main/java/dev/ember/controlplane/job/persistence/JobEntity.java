package dev.ember.controlplane.job.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/**
 * The columns every job shares (fine-tuning and batch inference): its key, its state and status, the GPUs it asks the
 * scheduler for, and the newest progress the scheduler reported for its newest command ({@code generation}).
 */
@MappedSuperclass
public abstract class JobEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "job_id")
    public String jobId;

    public String uid;

    @Column(name = "display_name")
    public String displayName;

    public String state;

    @Column(name = "status_code")
    public String statusCode;

    @Column(name = "status_message")
    public String statusMessage;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Column(name = "accelerator_count")
    public int acceleratorCount;

    public long generation;

    @Column(name = "progress_sequence")
    public long progressSequence;

    @Column(name = "completed_units")
    public long completedUnits;

    public int percent;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    /** The job's full resource name, e.g. {@code accounts/a/batchInferenceJobs/j}. */
    public abstract String name();

    /** The key of a job entity: account and job ID. */
    public static class Key implements Serializable {

        public String accountId;
        public String jobId;

        public Key() {
        }

        public Key(String accountId, String jobId) {
            this.accountId = accountId;
            this.jobId = jobId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(jobId, k.jobId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, jobId);
        }
    }
}
