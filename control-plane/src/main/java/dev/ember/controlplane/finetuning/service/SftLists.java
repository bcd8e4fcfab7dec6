package dev.ember.controlplane.finetuning.service;

import java.util.List;

import dev.ember.common.name.DatasetName;
import dev.ember.common.name.ModelName;
import dev.ember.controlplane.job.service.JobLists;
import dev.ember.controlplane.job.service.JobStates;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How fine-tuning jobs are listed: filters on state, dataset, baseModel, outputModel and displayName (equality,
 * AND); order by name (the default, as in Fireworks' ListSupervisedFineTuningJobs), createTime or displayName.
 */
public final class SftLists {

    public static final ListSpec SPEC = new ListSpec("SupervisedFineTuningJobEntity", "accountId", "jobId",
            List.of(new ListSpec.Field("state", "state", JobStates.ALL),
                    new ListSpec.Field("dataset", "datasetId", null,
                            (account, value) -> value.contains("/")
                                    ? DatasetName.parse("dataset", value).dataset()
                                    : value),
                    new ListSpec.Field("baseModel", "baseModel", null),
                    new ListSpec.Field("outputModel", "outputModelId", null,
                            (account, value) -> value.contains("/")
                                    ? ModelName.parse("outputModel", value).model()
                                    : value),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(JobLists.NAME, JobLists.CREATE_TIME, JobLists.DISPLAY_NAME), JobLists.NAME);

    private SftLists() {
    }

    public static ListRequest parse(String account, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, account, pageSize, pageToken, filter, orderBy);
    }
}
