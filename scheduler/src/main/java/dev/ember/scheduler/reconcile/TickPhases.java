package dev.ember.scheduler.reconcile;

import java.util.Arrays;

/**
 * How long the phases of one reconciler tick took, so a benchmark can tell where a slow tick went (bench/README.md).
 * Each phase runs from the end of the previous one, so together they cover the tick from its start to its commit.
 */
final class TickPhases {

    enum Phase {
        /** The lock, the tick counter and the rows changed since the last tick (or the whole fleet). */
        READ,
        /** The decisions in memory ({@link Reconciler#plan}). */
        PLAN,
        /** The gauges of the deployments decided and the pools. */
        GAUGES,
        /** The deployments' rows written. */
        DEPLOYMENTS,
        /** The replicas' rows inserted or written. */
        REPLICAS,
        /** The outbox rows written. */
        EVENTS,
        /** The tick counter moved on. */
        COUNTER,
        /** The flush and the commit. */
        COMMIT
    }

    private final long[] nanos = new long[Phase.values().length];
    private long mark = System.nanoTime();

    /** Ends {@code phase} now: it took the time since the previous phase ended (or the tick started). */
    void end(Phase phase) {
        long now = System.nanoTime();
        nanos[phase.ordinal()] += now - mark;
        mark = now;
    }

    long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }

    @Override
    public String toString() {
        return Arrays.stream(Phase.values())
                .map(p -> String.format("%s %.1f", p.name().toLowerCase(), nanos[p.ordinal()] / 1e6))
                .reduce((a, b) -> a + ", " + b).orElse("") + " ms";
    }
}
