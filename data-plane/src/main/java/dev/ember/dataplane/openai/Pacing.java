package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.ember.dataplane.engine.ReplicaEngine;

/**
 * Holds a request to the pace of its replica's simulated engine. Each choice of the request is a sequence in the
 * replica's batch: its first token comes after the engine's time to first token, each next one after a decode step of
 * the batch as it is then, and a sequence leaves the batch when its last token is out. {@link #next} hands out the
 * tokens of all the sequences in the order they are due. Deadlines accumulate, so the pace does not drift with sleep
 * overhead. Blocks the calling (worker) thread.
 */
final class Pacing implements AutoCloseable {

    /** One sequence: its place in the engine, the tokens it has left, and when the next one is due. */
    private static final class Lane {

        final ReplicaEngine.Sequence sequence;
        int left;
        long deadline;

        Lane(ReplicaEngine.Sequence sequence, int tokens, long deadline) {
            this.sequence = sequence;
            this.left = tokens;
            this.deadline = deadline;
        }
    }

    private final List<Lane> lanes = new ArrayList<>();
    private final Duration firstToken;
    private Lane last;

    /** Starts one sequence per entry: {@code promptTokens.get(i)} tokens of prompt, {@code outputTokens.get(i)} out. */
    Pacing(ReplicaEngine engine, List<Integer> promptTokens, List<Integer> outputTokens) {
        long start = System.nanoTime();
        Duration first = null;
        try {
            for (int i = 0; i < promptTokens.size(); i++) {
                int tokens = Math.max(1, outputTokens.get(i));
                ReplicaEngine.Sequence sequence = engine.start(promptTokens.get(i), tokens);
                lanes.add(new Lane(sequence, tokens, start + sequence.firstTokenDelay().toNanos()));
                first = first == null || sequence.firstTokenDelay().compareTo(first) < 0
                        ? sequence.firstTokenDelay()
                        : first;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.firstToken = first == null ? Duration.ZERO : first;
    }

    /** How long the engine took to produce the first token of any sequence. */
    Duration firstToken() {
        return firstToken;
    }

    /**
     * Waits for the next token of any sequence and returns that sequence's index; -1 when every sequence is done. A
     * sequence's next token is priced when the one before it has been handed on, with the batch as it is then.
     */
    int next() {
        if (last != null) {
            if (last.left == 0) {
                last.sequence.close();
            } else {
                last.deadline += last.sequence.nextTokenDelay().toNanos();
            }
            last = null;
        }
        Lane due = null;
        for (Lane lane : lanes) {
            if (lane.left > 0 && (due == null || lane.deadline < due.deadline)) {
                due = lane;
            }
        }
        if (due == null) {
            return -1;
        }
        waitUntil(due.deadline);
        due.left--;
        last = due;
        return lanes.indexOf(due);
    }

    @Override
    public void close() {
        lanes.forEach(lane -> lane.sequence.close());
    }

    private static void waitUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
