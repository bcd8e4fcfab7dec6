package dev.ember.controlplane.job.service;

import dev.ember.controlplane.job.persistence.JobEntity;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/** The orders every kind of job can be listed in: by name, createTime or displayName. */
public final class JobLists {

    public static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "jobId", false);
    public static final ListSpec.SortKey CREATE_TIME = new ListSpec.SortKey("createTime", "createTime", true);
    public static final ListSpec.SortKey DISPLAY_NAME = new ListSpec.SortKey("displayName", "displayName", false);

    private JobLists() {
    }

    /** The value of the request's order in the job, which the next page's token starts after. */
    public static Object sortKey(JobEntity e, ListRequest request) {
        return switch (request.order().key().apiName()) {
            case "createTime" -> e.createTime;
            case "displayName" -> e.displayName;
            default -> e.jobId;
        };
    }
}
