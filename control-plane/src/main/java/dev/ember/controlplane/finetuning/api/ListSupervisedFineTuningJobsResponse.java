package dev.ember.controlplane.finetuning.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One page of jobs, as Fireworks' {@code gatewayListSupervisedFineTuningJobsResponse}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ListSupervisedFineTuningJobsResponse(List<SupervisedFineTuningJob> supervisedFineTuningJobs,
        String nextPageToken, int totalSize) {
}
