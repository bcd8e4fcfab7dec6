package dev.ember.controlplane.finetuning.service;

import dev.ember.controlplane.finetuning.api.SupervisedFineTuningJob;
import dev.ember.controlplane.finetuning.persistence.SupervisedFineTuningJobEntity;
import dev.ember.controlplane.job.api.JobProgress;
import dev.ember.controlplane.job.api.JobStatus;

/** Entity to API record. */
final class SftMapper {

    private SftMapper() {
    }

    static SupervisedFineTuningJob toApi(SupervisedFineTuningJobEntity e) {
        JobProgress progress = new JobProgress(e.percent, e.epoch, clamp(e.totalUnits), clamp(e.completedUnits),
                null, null, null, null, null);
        return new SupervisedFineTuningJob(e.name(), e.displayName, e.createTime, e.completedTime,
                "accounts/" + e.accountId + "/datasets/" + e.datasetId, e.state,
                new JobStatus(e.statusCode, e.statusMessage), e.createdBy,
                "accounts/" + e.accountId + "/models/" + e.outputModelId, e.baseModel, null, e.epochs,
                (float) e.learningRate, e.maxContextLength, e.loraRank,
                e.evaluationDatasetId == null ? null : "accounts/" + e.accountId + "/datasets/" + e.evaluationDatasetId,
                e.updateTime, e.batchSize, progress, e.gradientAccumulationSteps, e.warmupSteps);
    }

    /** jobProgress counts are int32 in the reference. */
    static int clamp(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }
}
