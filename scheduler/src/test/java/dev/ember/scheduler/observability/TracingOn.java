package dev.ember.scheduler.observability;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The service as an operator runs it with tracing on (QUARKUS_OTEL_SDK_DISABLED=false), spans batched quickly. */
public class TracingOn implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "PT0.1S");
    }
}
