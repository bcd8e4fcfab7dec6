package dev.ember.common.display;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeploymentLabelTest {

    @Test
    void readyDeploymentsWithoutReplicasAreInactiveOrScaledToZeroAsTheReferenceDefines() {
        assertThat(DeploymentLabel.of("READY", 0, 0, 0, 0)).isEqualTo("Inactive");
        assertThat(DeploymentLabel.of("READY", 0, 3, 0, 0)).isEqualTo("Scaled to 0");
        // A minimum of one is never scaled to zero: waiting for its replica, it is still READY.
        assertThat(DeploymentLabel.of("READY", 1, 3, 1, 0)).isEqualTo("READY");
        assertThat(DeploymentLabel.of("READY", 0, 3, 1, 1)).isEqualTo("READY");
        assertThat(DeploymentLabel.of("CREATING", 0, 0, 0, 0)).isEqualTo("CREATING");
        assertThat(DeploymentLabel.of("DELETED", 0, 3, 0, 0)).isEqualTo("DELETED");
    }
}
