package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import dev.ember.dataplane.engine.ReplicaEngine;

/**
 * Holds a request to the pace of its replica's simulated engine: the first token after the engine's time to first
 * token, each next one after a decode step of the batch as it is then. Deadlines accumulate, so the pace does not
 * drift with sleep overhead. Blocks the calling (worker) thread.
 */
final class Pacing implements AutoCloseable {

    private final ReplicaEngine.Sequence sequence;
    private long deadline = System.nanoTime();

    Pacing(ReplicaEngine engine, int promptTokens, int outputTokens) {
        this.sequence = engine.start(promptTokens, Math.max(1, outputTokens));
    }

    /** Waits for the first token; returns how long the engine took to produce it. */
    Duration firstToken() {
        Duration delay = sequence.firstTokenDelay();
        waitFor(delay);
        return delay;
    }

    void nextToken() {
        waitFor(sequence.nextTokenDelay());
    }

    @Override
    public void close() {
        sequence.close();
    }

    private void waitFor(Duration delay) {
        deadline += delay.toNanos();
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
