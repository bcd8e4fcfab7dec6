package dev.ember.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

class TraceContextTest {

    final SdkTracerProvider tracing = SdkTracerProvider.builder().build();

    @Test
    void theCurrentSpanIsCapturedAsTextAndRestoredAsTheSameParent() {
        Span request = tracing.get("test").spanBuilder("POST /v1/accounts/{account}/deployments")
                .setSpanKind(SpanKind.SERVER).startSpan();
        TraceContext stored;
        try (Scope ignored = request.makeCurrent()) {
            stored = TraceContext.current().orElseThrow();
        } finally {
            request.end();
        }

        SpanContext original = request.getSpanContext();
        assertThat(stored.traceparent()).isEqualTo("00-" + original.getTraceId() + "-" + original.getSpanId() + "-01");
        assertThat(TraceContext.traceId(stored.traceparent())).isEqualTo(original.getTraceId());

        // Later, on the relay's timer: a span started under the restored context is in the request's trace.
        Span publish = tracing.get("test").spanBuilder("ember.resources publish").setSpanKind(SpanKind.PRODUCER)
                .setParent(stored.toContext()).startSpan();
        assertThat(publish.getSpanContext().getTraceId()).isEqualTo(original.getTraceId());
        publish.end();
    }

    @Test
    void nothingIsCapturedWhenNoSpanIsCurrent() {
        assertThat(TraceContext.current()).isEmpty();
    }

    @Test
    void aMalformedTraceparentRestoresToARootContext() {
        Context restored = new TraceContext("not-a-traceparent", null).toContext();
        assertThat(Span.fromContext(restored).getSpanContext().isValid()).isFalse();
    }

    @Test
    void timersStartNoTracesButRequestsAndRecordsDoAndChildrenFollowTheirParent() {
        var sampler = EntryPointSampler.create();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertThat(sampler.shouldSample(Context.root(), traceId, "SELECT outbox_event", SpanKind.CLIENT,
                io.opentelemetry.api.common.Attributes.empty(), java.util.List.of()).getDecision())
                .isEqualTo(SamplingDecision.DROP);
        for (SpanKind entry : new SpanKind[]{SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER}) {
            assertThat(sampler.shouldSample(Context.root(), traceId, "entry", entry,
                    io.opentelemetry.api.common.Attributes.empty(), java.util.List.of()).getDecision())
                    .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        }
        Span request = tracing.get("test").spanBuilder("GET").setSpanKind(SpanKind.SERVER).startSpan();
        assertThat(sampler.shouldSample(Context.root().with(request), request.getSpanContext().getTraceId(),
                "SELECT deployment", SpanKind.CLIENT, io.opentelemetry.api.common.Attributes.empty(),
                java.util.List.of()).getDecision()).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        request.end();
    }
}
