package dev.ember.controlplane.batchinference.service;

import dev.ember.controlplane.batchinference.api.BatchInferenceJob;
import dev.ember.controlplane.batchinference.persistence.BatchInferenceJobEntity;
import dev.ember.controlplane.job.api.JobProgress;
import dev.ember.controlplane.job.api.JobStatus;
import dev.ember.controlplane.job.service.JobStates;

/** Entity to API record. */
final class BatchMapper {

    private BatchMapper() {
    }

    static BatchInferenceJob toApi(BatchInferenceJobEntity e) {
        int rows = clamp(e.rowCount);
        int done = clamp(e.completedUnits);
        boolean completed = JobStates.COMPLETED.equals(e.state);
        JobProgress progress = new JobProgress(e.percent, null, rows, done, done, 0,
                completed ? clamp(e.outputRows) : null, completed ? clamp(e.inputTokens) : null,
                completed ? clamp(e.outputTokens) : null);
        return new BatchInferenceJob(e.name(), e.displayName, e.createTime, e.createdBy, e.state,
                new JobStatus(e.statusCode, e.statusMessage), e.model,
                "accounts/" + e.accountId + "/datasets/" + e.inputDatasetId,
                "accounts/" + e.accountId + "/datasets/" + e.outputDatasetId,
                new BatchInferenceJob.InferenceParameters(e.maxTokens,
                        e.temperature == null ? null : e.temperature.floatValue(),
                        e.topP == null ? null : e.topP.floatValue(), e.n, null, e.topK),
                e.updateTime, progress);
    }

    static int clamp(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }
}
