package dev.ember.dataplane.routing;

import java.time.Duration;

import dev.ember.common.error.UnavailableException;

/**
 * 503 DEPLOYMENT_SCALING_UP: the deployment has no ready replica and one is being woken. Names the deployment, so a
 * request may be held until one is READY ({@link ReplicaWaiters#hold}).
 */
public class NoReadyReplicaException extends UnavailableException {

    public static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final String deployment;

    public NoReadyReplicaException(String deployment) {
        super("DEPLOYMENT_SCALING_UP", "deployment " + deployment + " has no ready replica; one is starting, retry "
                + "shortly", RETRY_AFTER);
        this.deployment = deployment;
    }

    public String deployment() {
        return deployment;
    }
}
