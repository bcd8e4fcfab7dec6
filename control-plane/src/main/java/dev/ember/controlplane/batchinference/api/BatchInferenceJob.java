package dev.ember.controlplane.batchinference.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.ember.controlplane.job.api.JobProgress;
import dev.ember.controlplane.job.api.JobStatus;

/**
 * A batch inference job as the API shows it, Fireworks' {@code gatewayBatchInferenceJob}: it answers every row of
 * {@code inputDatasetId} with {@code model} and writes the answers to {@code outputDatasetId}. Output-only fields
 * (name, times, createdBy, state, status, jobProgress) are ignored on input; fields of the reference that Ember does
 * not implement ({@code precision}, {@code continuedFromJobName}) are refused as unknown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchInferenceJob(
        String name,
        String displayName,
        Instant createTime,
        String createdBy,
        String state,
        JobStatus status,
        String model,
        String inputDatasetId,
        String outputDatasetId,
        InferenceParameters inferenceParameters,
        Instant updateTime,
        JobProgress jobProgress) {

    /** Fireworks' {@code gatewayBatchInferenceJobInferenceParameters}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InferenceParameters(Integer maxTokens, Float temperature, Float topP, Integer n, String extraBody,
            Integer topK) {
    }
}
