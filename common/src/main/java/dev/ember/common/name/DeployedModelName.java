package dev.ember.common.name;

/** {@code accounts/{account}/deployedModels/{deployedModel}}: a LoRA addon loaded onto a deployment. */
public record DeployedModelName(String account, String deployedModel) {

    public DeployedModelName {
        ResourceIds.require("account", account);
        ResourceIds.require("deployedModelId", deployedModel);
    }

    public static DeployedModelName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "deployedModels");
        return new DeployedModelName(ids[0], ids[1]);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/deployedModels/" + deployedModel;
    }
}
