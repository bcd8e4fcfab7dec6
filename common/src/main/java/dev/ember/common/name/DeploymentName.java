package dev.ember.common.name;

/** {@code accounts/{account}/deployments/{deployment}}. */
public record DeploymentName(String account, String deployment) {

    public DeploymentName {
        ResourceIds.require("account", account);
        ResourceIds.require("deploymentId", deployment);
    }

    public static DeploymentName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "deployments");
        return new DeploymentName(ids[0], ids[1]);
    }

    public static boolean looksLike(String name) {
        return name != null && name.startsWith("accounts/") && name.contains("/deployments/");
    }

    public AccountName accountName() {
        return new AccountName(account);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/deployments/" + deployment;
    }
}
