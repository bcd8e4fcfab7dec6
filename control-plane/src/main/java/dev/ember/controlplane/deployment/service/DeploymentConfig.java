package dev.ember.controlplane.deployment.service;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the deployment jobs. */
@ConfigMapping(prefix = "ember.deployment")
public interface DeploymentConfig {

    /** How often soft-deleted deployments past their purgeTime are looked for. */
    @WithDefault("1m")
    Duration purgeInterval();

    /** Deployments purged per transaction; more are purged at once in the next one. */
    @WithDefault("100")
    int purgeBatchSize();
}
