package dev.ember.common.name;

/** {@code accounts/{account}/datasets/{dataset}}. */
public record DatasetName(String account, String dataset) {

    public DatasetName {
        ResourceIds.require("account", account);
        ResourceIds.require("datasetId", dataset);
    }

    public static DatasetName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "datasets");
        return new DatasetName(ids[0], ids[1]);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/datasets/" + dataset;
    }
}
