package dev.ember.controlplane.finetuning.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import dev.ember.common.name.SupervisedFineTuningJobName;
import dev.ember.controlplane.job.persistence.JobEntity;

/**
 * A supervised fine-tuning job: its spec (dataset, base model, hyperparameters, the LoRA addon it makes), the GPUs it
 * asks the scheduler for, and the newest progress the scheduler reported for its newest command
 * ({@code generation}).
 */
@Entity
@Table(name = "supervised_fine_tuning_job")
@IdClass(JobEntity.Key.class)
public class SupervisedFineTuningJobEntity extends JobEntity {

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

    @Column(name = "total_units")
    public long totalUnits;

    public int epoch;

    @Column(name = "completed_time")
    public Instant completedTime;

    public SupervisedFineTuningJobName jobName() {
        return new SupervisedFineTuningJobName(accountId, jobId);
    }

    @Override
    public String name() {
        return jobName().toString();
    }
}
