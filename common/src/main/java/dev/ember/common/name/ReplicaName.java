package dev.ember.common.name;

/** {@code accounts/{account}/deployments/{deployment}/replicas/{replica}}: replicas are the scheduler's. */
public record ReplicaName(DeploymentName deployment, String replica) {

    public ReplicaName {
        ResourceIds.require("replicaId", replica);
    }

    public static ReplicaName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "deployments", "replicas");
        return new ReplicaName(new DeploymentName(ids[0], ids[1]), ids[2]);
    }

    @Override
    public String toString() {
        return deployment + "/replicas/" + replica;
    }
}
