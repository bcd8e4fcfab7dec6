package dev.ember.scheduler.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * With tracing on, the scheduler continues the trace of a control-plane event it consumes: the record's
 * {@code traceparent} (written by the control plane's relay) is the parent of the scheduler's consumer span, and the
 * handler's log lines carry the trace id.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
@QuarkusTestResource(EmberInfraResource.class)
class ConsumerTraceTest {

    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aConsumedDeploymentEventContinuesTheProducersTrace() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String parentSpanId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String name = "accounts/acme/deployments/followed";
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {

            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    ext.copyMdc();
                }
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        try {
            DeploymentSpec spec = new DeploymentSpec(name, UUID.randomUUID().toString(), 1, "followed",
                    LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "US_IOWA_1", Instant.now(), null);
            new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class))
                    .publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(spec),
                            Map.of("traceparent", "00-" + traceId + "-" + parentSpanId + "-01"));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                    .filteredOn(s -> s.getTraceId().equals(traceId))
                    .anySatisfy(s -> {
                        assertThat(s.getKind()).isEqualTo(SpanKind.CONSUMER);
                        assertThat(s.getName()).contains("ember.resources");
                        assertThat(s.getParentSpanContext().getSpanId()).isEqualTo(parentSpanId);
                        assertThat(s.getParentSpanContext().isRemote()).isTrue();
                    }));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(records)
                    .filteredOn(r -> r instanceof ExtLogRecord ext && ext.getFormattedMessage().contains(name
                            + ": 1 replica(s)"))
                    .extracting(r -> ((ExtLogRecord) r).getMdc("traceId"))
                    .containsOnly(traceId));
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }
}
