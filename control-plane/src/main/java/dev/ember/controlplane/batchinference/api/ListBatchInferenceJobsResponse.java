package dev.ember.controlplane.batchinference.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of jobs, as Fireworks' {@code gatewayListBatchInferenceJobsResponse}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListBatchInferenceJobsResponse(List<BatchInferenceJob> batchInferenceJobs, String nextPageToken,
        int totalSize) {
}
