package dev.ember.controlplane.finetuning.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.SupervisedFineTuningJobName;

/**
 * A supervised fine-tuning job: its spec (dataset, base model, hyperparameters, the LoRA addon it makes), the GPUs it
 * asks the scheduler for, and the newest progress the scheduler reported for its newest command
 * ({@code generation}).
 */
@Entity
@Table(name = "supervised_fine_tuning_job")
@IdClass(SupervisedFineTuningJobEntity.Key.class)
public class SupervisedFineTuningJobEntity {

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

    @Column(name = "dataset_id")
    public String datasetId;

    @Column(name = "evaluation_dataset_id")
    public String evaluationDatasetId;

    @Column(name = "base_model")
    public String baseModel;

    @Column(name = "output_model_id")
    public String outputModelId;

    public int epochs;

    @Column(name = "learning_rate")
    public double learningRate;

    @Column(name = "lora_rank")
    public int loraRank;

    @Column(name = "max_context_length")
    public int maxContextLength;

    @Column(name = "batch_size")
    public Integer batchSize;

    @Column(name = "warmup_steps")
    public Integer warmupSteps;

    @Column(name = "gradient_accumulation_steps")
    public Integer gradientAccumulationSteps;

    @Column(name = "example_count")
    public long exampleCount;

    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Column(name = "accelerator_count")
    public int acceleratorCount;

    public long generation;

    @Column(name = "progress_sequence")
    public long progressSequence;

    @Column(name = "completed_units")
    public long completedUnits;

    @Column(name = "total_units")
    public long totalUnits;

    public int percent;

    public int epoch;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    @Column(name = "completed_time")
    public Instant completedTime;

    public SupervisedFineTuningJobName jobName() {
        return new SupervisedFineTuningJobName(accountId, jobId);
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
