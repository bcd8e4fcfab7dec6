package dev.ember.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    static final Instant T = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void anEventSurvivesTheRoundTripWithItsEnvelope() {
        ReplicaUpdated data = new ReplicaUpdated("accounts/a/deployments/d/replicas/r", "accounts/a/deployments/d",
                "uid", 3, "READY", "US_IOWA_1", "node-0", "NVIDIA_H100_80GB", 1, "", T);
        Headers headers = EventCodec.headers("id-1", EventTypes.REPLICA_UPDATED.type(), "/scheduler", data.name(), T);

        Event<?> event = EventCodec.decode(headers, bytes(EventCodec.toJson(data))).orElseThrow();

        assertThat(event.type()).isEqualTo(EventTypes.REPLICA_UPDATED);
        assertThat(event.id()).isEqualTo("id-1");
        assertThat(event.source()).isEqualTo("/scheduler");
        assertThat(event.subject()).isEqualTo(data.name());
        assertThat(event.time()).isEqualTo(T);
        assertThat(event.dataAs(EventTypes.REPLICA_UPDATED)).contains(data);
        assertThat(event.dataAs(EventTypes.DEPLOYMENT_CREATED)).isEmpty();
        assertThat(new String(headers.lastHeader("ce_specversion").value(), StandardCharsets.UTF_8)).isEqualTo("1.0");
    }

    @Test
    void unknownTypesAndTombstonesAreSkippedAndNewFieldsIgnored() {
        Headers future = EventCodec.headers("id", "dev.ember.something.new.v1", "/x", "s", T);
        assertThat(EventCodec.decode(future, bytes("{}"))).isEmpty();
        Headers known = EventCodec.headers("id", EventTypes.ACCOUNT_CREATED.type(), "/x", "accounts/a", T);
        assertThat(EventCodec.decode(known, null)).isEmpty();
        Event<?> additive = EventCodec.decode(known, bytes("{\"name\": \"accounts/a\", \"addedLater\": 1}"))
                .orElseThrow();
        assertThat(((AccountCreated) additive.data()).name()).isEqualTo("accounts/a");
    }

    @Test
    void aKnownTypeWithBrokenDataIsAnError() {
        Headers known = EventCodec.headers("id", EventTypes.ACCOUNT_CREATED.type(), "/x", "accounts/a", T);
        assertThatThrownBy(() -> EventCodec.decode(known, bytes("{not json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(EventTypes.ACCOUNT_CREATED.type());
    }

    @Test
    void aSpecWithServingOptionsSurvivesTheRoundTripAndOldSpecsReadAsNone() {
        ModelProfile base = new ModelProfile("accounts/fireworks/models/big", 70_000_000_000L, 70_000_000_000L, 80,
                8192, 8, 128, 131072, "FP8");
        ModelProfile draft = new ModelProfile("accounts/fireworks/models/small", 8_000_000_000L, 8_000_000_000L, 32,
                4096, 8, 128, 131072, "FP8");
        DeploymentSpec spec = new DeploymentSpec("accounts/a/deployments/d", "uid", 2, "d", base.name(), base,
                "NVIDIA_B200_180GB", 2, "FP8", 0, 1, "GLOBAL", T, AutoscalingPolicy.defaults(), draft, 4, 0, true,
                32768);
        DeploymentScaleRequested scale = new DeploymentScaleRequested(spec, 3, 7, T);
        Headers headers = EventCodec.headers("id", EventTypes.DEPLOYMENT_SCALE_REQUESTED.type(), "/control-plane",
                spec.name(), T);

        Event<?> event = EventCodec.decode(headers, bytes(EventCodec.toJson(scale))).orElseThrow();

        assertThat(event.dataAs(EventTypes.DEPLOYMENT_SCALE_REQUESTED)).contains(scale);
        assertThat(spec.contextLength()).isEqualTo(32768);
        assertThat(spec.servingOptions()).isEqualTo("draftModel=accounts/fireworks/models/small;draftTokenCount=4;"
                + "enableAddons=true;maxContextLength=32768;");

        // A spec written before serving options existed has none, and the model's context length.
        DeploymentSpec old = new DeploymentSpec(spec.name(), "uid", 1, "d", base.name(), base, "NVIDIA_H100_80GB", 1,
                "FP8", 0, 1, "GLOBAL", T, null);
        String json = EventCodec.toJson(new DeploymentCreated(old));
        assertThat(json).doesNotContain("draftModel");
        Headers created = EventCodec.headers("id", EventTypes.DEPLOYMENT_CREATED.type(), "/x", spec.name(), T);
        DeploymentSpec read = ((DeploymentCreated) EventCodec.decode(created, bytes(json)).orElseThrow().data())
                .deployment();
        assertThat(read).isEqualTo(old);
        assertThat(read.draftModel()).isNull();
        assertThat(read.servingOptions()).isEmpty();
        assertThat(read.contextLength()).isEqualTo(131072);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyDeclaredEventTypeIsKnownByItsName() throws IllegalAccessException {
        int declared = 0;
        for (java.lang.reflect.Field f : EventTypes.class.getFields()) {
            if (f.getType() == EventType.class) {
                EventType<?> type = (EventType<?>) f.get(null);
                assertThat(EventTypes.find(type.type())).as(f.getName()).contains(type);
                declared++;
            }
        }
        assertThat(declared).isGreaterThanOrEqualTo(14);
        assertThat(EventTypes.find("dev.ember.usage.reported.v1")).contains(EventTypes.USAGE_REPORTED);
    }
}
