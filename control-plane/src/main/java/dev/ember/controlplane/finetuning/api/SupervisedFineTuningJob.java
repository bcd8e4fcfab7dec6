package dev.ember.controlplane.finetuning.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.ember.controlplane.job.api.JobProgress;
import dev.ember.controlplane.job.api.JobStatus;

/**
 * A supervised fine-tuning job as the API shows it, Fireworks' {@code gatewaySupervisedFineTuningJob}: it trains a
 * LoRA addon of {@code baseModel} on {@code dataset} and, once COMPLETED, the addon is the READY model
 * {@code outputModel}. On input the output-only fields (name, times, state, status, createdBy, jobProgress) are
 * ignored; fields of the reference that Ember does not implement are refused as unknown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SupervisedFineTuningJob(
        String name,
        String displayName,
        Instant createTime,
        Instant completedTime,
        String dataset,
        String state,
        JobStatus status,
        String createdBy,
        String outputModel,
        String baseModel,
        String warmStartFrom,
        Integer epochs,
        Float learningRate,
        Integer maxContextLength,
        Integer loraRank,
        String evaluationDataset,
        Instant updateTime,
        Integer batchSize,
        JobProgress jobProgress,
        Integer gradientAccumulationSteps,
        Integer learningRateWarmupSteps) {
}
