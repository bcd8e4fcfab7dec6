package dev.ember.controlplane.model.service;

import java.util.List;
import java.util.Set;

import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How models are listed: filters on state, kind and displayName (equality, AND); order by name (the default, as in
 * Fireworks' ListModels), createTime or displayName.
 */
public final class ModelLists {

    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "modelId", false);
    public static final ListSpec SPEC = new ListSpec("ModelEntity", "accountId", "modelId",
            List.of(new ListSpec.Field("state", "state", Set.of("UPLOADING", "READY")),
                    new ListSpec.Field("kind", "kind", ModelRequest.KINDS),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(NAME, new ListSpec.SortKey("createTime", "createTime", true),
                    new ListSpec.SortKey("displayName", "displayName", false)),
            NAME);

    private ModelLists() {
    }

    public static ListRequest parse(String account, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, account, pageSize, pageToken, filter, orderBy);
    }
}
