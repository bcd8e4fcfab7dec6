package dev.ember.common.name;

/** {@code accounts/{account}/supervisedFineTuningJobs/{job}}. */
public record SupervisedFineTuningJobName(String account, String job) {

    public SupervisedFineTuningJobName {
        ResourceIds.require("account", account);
        ResourceIds.require("supervisedFineTuningJobId", job);
    }

    public static SupervisedFineTuningJobName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "supervisedFineTuningJobs");
        return new SupervisedFineTuningJobName(ids[0], ids[1]);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/supervisedFineTuningJobs/" + job;
    }
}
