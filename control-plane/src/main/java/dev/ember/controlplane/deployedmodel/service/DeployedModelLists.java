package dev.ember.controlplane.deployedmodel.service;

import java.util.List;
import java.util.Set;

import dev.ember.controlplane.deployedmodel.persistence.DeployedModelEntity;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How deployed models are listed: filters on state, model and deployment (full names, equality, AND); order by name
 * (the default, as in Fireworks' ListDeployedModels) or createTime.
 */
public final class DeployedModelLists {

    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "deployedModelId", false);
    public static final ListSpec SPEC = new ListSpec("DeployedModelEntity", "accountId", "deployedModelId",
            List.of(new ListSpec.Field("state", "state", Set.of(DeployedModelEntity.DEPLOYING,
                    DeployedModelEntity.DEPLOYED, DeployedModelEntity.UNDEPLOYING, "UPDATING")),
                    new ListSpec.Field("model", "model", null),
                    // Rows keep the deployment's ID; a name of another account, or no name, matches nothing.
                    new ListSpec.Field("deployment", "deploymentId", null, DeployedModelLists::deploymentId)),
            List.of(NAME, new ListSpec.SortKey("createTime", "createTime", true)),
            NAME);

    private DeployedModelLists() {
    }

    private static String deploymentId(String account, String deployment) {
        String prefix = "accounts/" + account + "/deployments/";
        return deployment.startsWith(prefix) ? deployment.substring(prefix.length()) : "";
    }

    public static ListRequest parse(String account, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, account, pageSize, pageToken, filter, orderBy);
    }
}
