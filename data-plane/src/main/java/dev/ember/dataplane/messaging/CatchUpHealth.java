package dev.ember.dataplane.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the routing table and key cache have caught up with the event topics. */
@Readiness
@ApplicationScoped
public class CatchUpHealth implements HealthCheck {

    @Inject
    CatchUp catchUp;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-catch-up").status(catchUp.caughtUp())
                .withData("offsets", catchUp.describe()).build();
    }
}
