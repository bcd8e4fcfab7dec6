package dev.ember.common.name;

/** {@code accounts/{account}/deploymentShapes/{shape}}. */
public record DeploymentShapeName(String account, String shape) {

    public DeploymentShapeName {
        ResourceIds.require("account", account);
        ResourceIds.require("deploymentShapeId", shape);
    }

    public static DeploymentShapeName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "deploymentShapes");
        return new DeploymentShapeName(ids[0], ids[1]);
    }

    public DeploymentShapeVersionName version(String version) {
        return new DeploymentShapeVersionName(account, shape, version);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/deploymentShapes/" + shape;
    }
}
