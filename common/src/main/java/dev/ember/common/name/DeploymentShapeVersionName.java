package dev.ember.common.name;

/** {@code accounts/{account}/deploymentShapes/{shape}/versions/{version}}. */
public record DeploymentShapeVersionName(String account, String shape, String version) {

    public DeploymentShapeVersionName {
        ResourceIds.require("account", account);
        ResourceIds.require("deploymentShapeId", shape);
        ResourceIds.require("versionId", version);
    }

    public static DeploymentShapeVersionName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "deploymentShapes", "versions");
        return new DeploymentShapeVersionName(ids[0], ids[1], ids[2]);
    }

    public DeploymentShapeName shapeName() {
        return new DeploymentShapeName(account, shape);
    }

    @Override
    public String toString() {
        return shapeName() + "/versions/" + version;
    }
}
