package dev.ember.controlplane.dataset.service;

import java.util.List;
import java.util.Set;

import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How datasets are listed: filters on state, format and displayName (equality, AND); order by name (the default, as
 * in Fireworks' ListDatasets), createTime or displayName.
 */
public final class DatasetLists {

    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "datasetId", false);
    public static final ListSpec SPEC = new ListSpec("DatasetEntity", "accountId", "datasetId",
            List.of(new ListSpec.Field("state", "state", Set.of("UPLOADING", "READY")),
                    new ListSpec.Field("format", "format", Set.of("FORMAT_UNSPECIFIED", "CHAT", "COMPLETION")),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(NAME, new ListSpec.SortKey("createTime", "createTime", true),
                    new ListSpec.SortKey("displayName", "displayName", false)),
            NAME);

    private DatasetLists() {
    }

    public static ListRequest parse(String account, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, account, pageSize, pageToken, filter, orderBy);
    }
}
