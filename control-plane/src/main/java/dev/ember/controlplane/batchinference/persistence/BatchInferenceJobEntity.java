package dev.ember.controlplane.batchinference.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.BatchInferenceJobName;

/**
 * A batch inference job: the model, the input dataset whose rows it answers, the output dataset it writes, its
 * sampling parameters, and the newest progress the scheduler reported for its newest command ({@code generation}).
 */
@Entity
@Table(name = "batch_inference_job")
@IdClass(BatchInferenceJobEntity.Key.class)
public class BatchInferenceJobEntity {

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

    public String model;

    @Column(name = "input_dataset_id")
    public String inputDatasetId;

    @Column(name = "output_dataset_id")
    public String outputDatasetId;

    @Column(name = "max_tokens")
    public int maxTokens;

    public Double temperature;

    @Column(name = "top_p")
    public Double topP;

    @Column(name = "top_k")
    public Integer topK;

    public int n;

    @Column(name = "row_count")
    public long rowCount;

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

    /** What the finished job wrote: rows and (estimated) tokens. */
    @Column(name = "output_rows")
    public long outputRows;

    @Column(name = "input_tokens")
    public long inputTokens;

    @Column(name = "output_tokens")
    public long outputTokens;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    public BatchInferenceJobName jobName() {
        return new BatchInferenceJobName(accountId, jobId);
    }

    public String name() {
        return jobName().toString();
    }

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
