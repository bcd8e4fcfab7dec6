package dev.ember.controlplane.deployment.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.ember.common.reactive.SingleFlight;

/**
 * Removes soft-deleted deployments for good once their {@code purgeTime} has passed on the injected clock: every
 * {@code ember.deployment.purge-interval}, in batches of {@code ember.deployment.purge-batch-size}, a full batch
 * running the next one at once. Until then {@code :undelete} restores them.
 */
@ApplicationScoped
public class DeploymentPurger {

    @Inject
    DeploymentService deployments;

    @Inject
    DeploymentConfig config;

    @Inject
    Vertx vertx;

    private SingleFlight loop;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        int batch = config.purgeBatchSize();
        loop = new SingleFlight(vertx, "Deployment purge", () -> deployments.purgeExpired(batch).map(n -> n >= batch));
        timer = loop.every(config.purgeInterval().toMillis());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timer);
        }
    }

    /** Looks for deployments to purge now rather than at the next interval. */
    public void trigger() {
        if (loop != null) {
            loop.trigger();
        }
    }
}
