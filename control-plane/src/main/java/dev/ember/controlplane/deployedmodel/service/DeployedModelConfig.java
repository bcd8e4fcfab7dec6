package dev.ember.controlplane.deployedmodel.service;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "ember.deployed-models")
public interface DeployedModelConfig {

    /** How often deployed models are reconciled with their deployments (DEPLOYING to DEPLOYED, and removals). */
    @WithDefault("PT1S")
    Duration reconcileInterval();

    /** How long a deployed model stays UNDEPLOYING (replicas drop the addon) before it is gone, on the clock. */
    @WithDefault("PT5S")
    Duration unloadTime();
}
