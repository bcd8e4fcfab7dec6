package dev.ember.controlplane.batchinference.service;

import java.util.List;

import dev.ember.controlplane.job.service.JobLists;
import dev.ember.controlplane.job.service.JobStates;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How batch inference jobs are listed: filters on state, model and displayName (equality, AND); order by createTime
 * (the default, as in Fireworks' ListBatchInferenceJobs), name or displayName.
 */
public final class BatchLists {

    public static final ListSpec SPEC = new ListSpec("BatchInferenceJobEntity", "accountId", "jobId",
            List.of(new ListSpec.Field("state", "state", JobStates.ALL),
                    new ListSpec.Field("model", "model", null),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(JobLists.CREATE_TIME, JobLists.NAME, JobLists.DISPLAY_NAME), JobLists.CREATE_TIME);

    private BatchLists() {
    }

    public static ListRequest parse(String account, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, account, pageSize, pageToken, filter, orderBy);
    }
}
