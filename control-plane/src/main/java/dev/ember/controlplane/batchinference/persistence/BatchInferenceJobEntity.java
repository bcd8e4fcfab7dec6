package dev.ember.controlplane.batchinference.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.BatchInferenceJobName;
import dev.ember.controlplane.job.persistence.JobEntity;

/**
 * A batch inference job: the model, the input dataset whose rows it answers, the output dataset it writes, its
 * sampling parameters, and the newest progress the scheduler reported for its newest command ({@code generation}).
 */
@Entity
@Table(name = "batch_inference_job")
@IdClass(JobEntity.Key.class)
public class BatchInferenceJobEntity extends JobEntity {

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

    /** What the finished job wrote: rows and (estimated) tokens. */
    @Column(name = "output_rows")
    public long outputRows;

    @Column(name = "input_tokens")
    public long inputTokens;

    @Column(name = "output_tokens")
    public long outputTokens;

    public BatchInferenceJobName jobName() {
        return new BatchInferenceJobName(accountId, jobId);
    }

    @Override
    public String name() {
        return jobName().toString();
    }
}
