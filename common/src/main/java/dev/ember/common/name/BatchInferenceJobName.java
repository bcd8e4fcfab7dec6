package dev.ember.common.name;

/** {@code accounts/{account}/batchInferenceJobs/{job}}. */
public record BatchInferenceJobName(String account, String job) {

    public BatchInferenceJobName {
        ResourceIds.require("account", account);
        ResourceIds.require("batchInferenceJobId", job);
    }

    public static BatchInferenceJobName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "batchInferenceJobs");
        return new BatchInferenceJobName(ids[0], ids[1]);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/batchInferenceJobs/" + job;
    }
}
