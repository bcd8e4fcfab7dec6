package dev.ember.common.observability;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * Starts traces only where work enters a service: an HTTP request (server span), a consumed Kafka record (consumer
 * span) or a published one (producer span). Spans with a parent follow the parent's decision. What is dropped are
 * the traces a timer would start on its own: the outbox relay and the reconciler query the database several times a
 * second, and each query would otherwise be a trace of one client span.
 */
@ApplicationScoped
public class EntryPointSampler {

    static final Set<SpanKind> ENTRY_POINTS = Set.of(SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER);

    /** Quarkus uses a {@link Sampler} bean in place of {@code quarkus.otel.traces.sampler}. */
    @Produces
    @Singleton
    Sampler sampler() {
        return create();
    }

    public static Sampler create() {
        return Sampler.parentBased(new RootSampler());
    }

    static final class RootSampler implements Sampler {

        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                Attributes attributes, List<LinkData> parentLinks) {
            return ENTRY_POINTS.contains(spanKind) ? SamplingResult.recordAndSample() : SamplingResult.drop();
        }

        @Override
        public String getDescription() {
            return "EntryPointRoots" + ENTRY_POINTS;
        }
    }
}
