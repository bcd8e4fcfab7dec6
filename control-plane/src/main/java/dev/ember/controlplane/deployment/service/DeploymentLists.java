package dev.ember.controlplane.deployment.service;

import java.util.List;
import java.util.Set;

import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How deployments are listed: filters on state, baseModel and displayName (equality, AND); order by createTime (the
 * default), displayName or name; soft-deleted ones only with showDeleted.
 */
public final class DeploymentLists {

    /** Fireworks' deployment states. */
    static final Set<String> STATES = Set.of("CREATING", "READY", "DELETING", "FAILED", "UPDATING", "DELETED");
    static final ListSpec.SortKey CREATE_TIME = new ListSpec.SortKey("createTime", "createTime", true);
    static final ListSpec.SortKey DISPLAY_NAME = new ListSpec.SortKey("displayName", "displayName", false);
    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "deploymentId", false);
    public static final ListSpec SPEC = new ListSpec("DeploymentEntity", "accountId", "deploymentId",
            List.of(new ListSpec.Field("state", "state", STATES),
                    new ListSpec.Field("baseModel", "baseModel", null),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(CREATE_TIME, DISPLAY_NAME, NAME), CREATE_TIME,
            new ListSpec.SoftDelete("state", DeploymentEntity.DELETED));

    private DeploymentLists() {
    }

    public static ListRequest parse(String account, String pageSize, String pageToken, String filter, String orderBy,
            String showDeleted) {
        return ListRequest.parse(SPEC, account, pageSize, pageToken, filter, orderBy, showDeleted);
    }

    /** The token that continues {@code request} after {@code last}, the final row of its page. */
    static String nextPageToken(ListRequest request, DeploymentEntity last) {
        ListSpec.SortKey key = request.order().key();
        Object position = key == CREATE_TIME
                ? last.createTime
                : key == DISPLAY_NAME
                        ? last.displayName
                        : last.deploymentId;
        return request.nextPageToken(position, last.deploymentId);
    }
}
