package dev.ember.common.display;

/**
 * The label a list of deployments shows, as Fireworks' UI derives it: a READY deployment with no replica allowed is
 * "Inactive", one scaled to zero by its autoscaler is "Scaled to 0"; otherwise the state itself. Labels are for people
 * (tables in the CLI); they are never API states.
 */
public final class DeploymentLabel {

    public static final String INACTIVE = "Inactive";
    public static final String SCALED_TO_ZERO = "Scaled to 0";

    private DeploymentLabel() {
    }

    public static String of(String state, int minReplicaCount, int maxReplicaCount, int desiredReplicaCount,
            int readyReplicaCount) {
        if ("READY".equals(state) && readyReplicaCount == 0) {
            if (maxReplicaCount == 0) {
                return INACTIVE;
            }
            if (minReplicaCount == 0 && desiredReplicaCount == 0) {
                return SCALED_TO_ZERO;
            }
        }
        return state;
    }
}
