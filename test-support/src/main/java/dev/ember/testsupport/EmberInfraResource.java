package dev.ember.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} a real Kafka broker and a real PostgreSQL. The infra outlives test profiles and is
 * stopped by a JVM shutdown hook, so {@link #stop()} does nothing.
 */
public class EmberInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return EmberInfra.config();
    }

    @Override
    public void stop() {
        // shared by every profile of this JVM; see EmberInfra
    }
}
