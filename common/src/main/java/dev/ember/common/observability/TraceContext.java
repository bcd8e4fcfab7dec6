package dev.ember.common.observability;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * A W3C trace context ({@code traceparent}, {@code tracestate}) kept as text, so a span context can be stored with
 * an outbox row and continued when the relay publishes the row later, from another thread and transaction.
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** Longer {@code tracestate} values are dropped rather than cut (a cut list would be malformed). */
    public static final int MAX_TRACESTATE = 512;

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {

        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /**
     * The span context current on this thread or Vert.x context, when there is a valid one (none when tracing is
     * off: the OpenTelemetry SDK disabled leaves no span current).
     */
    public static Optional<TraceContext> current() {
        Context context = Context.current();
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return Optional.empty();
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
        String parent = carrier.get(TRACEPARENT);
        if (parent == null) {
            return Optional.empty();
        }
        String state = carrier.get(TRACESTATE);
        return Optional.of(new TraceContext(parent, state == null || state.length() > MAX_TRACESTATE ? null : state));
    }

    /** The stored context as a parent for new spans; a root context when the text is missing or malformed. */
    public Context toContext() {
        Map<String, String> carrier = new HashMap<>();
        if (traceparent != null) {
            carrier.put(TRACEPARENT, traceparent);
        }
        if (tracestate != null) {
            carrier.put(TRACESTATE, tracestate);
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, MAP_GETTER);
    }

    /** The 32 hex digit trace id of a {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
    public static String traceId(String traceparent) {
        return Span.fromContext(new TraceContext(traceparent, null).toContext()).getSpanContext().getTraceId();
    }

    /** The 16 hex digit id of the span that a {@code traceparent} names as the parent. */
    public static String spanId(String traceparent) {
        return Span.fromContext(new TraceContext(traceparent, null).toContext()).getSpanContext().getSpanId();
    }
}
