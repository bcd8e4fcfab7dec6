package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;

import dev.ember.dataplane.engine.ReplicaEngine;

/**
 * Holds a request to the pace of its replica's simulated engine. Each choice of the request is a sequence in the
 * replica's batch: its first token comes after the engine's time to first token, each next one after a decode step of
 * the batch as it is then, and a sequence leaves the batch when its last token is out. {@link #run} hands out the
 * tokens of all the sequences in the order they are due, each from a Vert.x timer set for its deadline, so a waiting
 * request holds no thread: ten thousand open streams cost ten thousand timers, not ten thousand threads. Deadlines
 * accumulate in nanoseconds, so the pace does not drift with the timers' millisecond granularity.
 */
final class Pacing {

    /** Receives each token as it is due: the index of the sequence it belongs to. Throwing ends the run. */
    @FunctionalInterface
    interface Step {

        void token(int lane) throws Exception;
    }

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
    private final CompletableFuture<Duration> done = new CompletableFuture<>();
    private Vertx vertx;
    private Step step;
    private long timer = -1;
    private boolean over;

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
            lanes.forEach(lane -> lane.sequence.close());
            throw e;
        }
        this.firstToken = first == null ? Duration.ZERO : first;
    }

    /** How long the engine took to produce the first token of any sequence. */
    Duration firstToken() {
        return firstToken;
    }

    /**
     * Hands every token to {@code step} when it is due, on timers of {@code vertx} (on the caller's Vert.x context when
     * it has one). A sequence's next token is priced when the one before it has been handed on, with the batch as it
     * is then. Completes with {@link #firstToken} after the last token; fails with what {@code step} throws, or when
     * {@link #cancel} is called. Either way every sequence has left the engine by then.
     */
    synchronized CompletionStage<Duration> run(Vertx vertx, Step step) {
        this.vertx = vertx;
        this.step = step;
        advance();
        return done;
    }

    /** Ends the run now (the client left): the sequences leave the engine and the run fails with {@code why}. */
    synchronized void cancel(Throwable why) {
        end(why);
    }

    /** Hands on every token due by now, then sets a timer for the next one. */
    private synchronized void advance() {
        timer = -1;
        while (!over) {
            Lane due = null;
            for (Lane lane : lanes) {
                if (lane.left > 0 && (due == null || lane.deadline < due.deadline)) {
                    due = lane;
                }
            }
            if (due == null) {
                end(null);
                return;
            }
            long wait = due.deadline - System.nanoTime();
            if (wait > 0) {
                // Timers count whole milliseconds: round up, so no token leaves before its deadline.
                timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)), id -> advance());
                return;
            }
            due.left--;
            try {
                step.token(lanes.indexOf(due));
            } catch (Throwable e) {
                end(e);
                return;
            }
            if (due.left == 0) {
                due.sequence.close();
            } else {
                due.deadline += due.sequence.nextTokenDelay().toNanos();
            }
        }
    }

    private void end(Throwable failure) {
        if (over) {
            return;
        }
        over = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        lanes.forEach(lane -> lane.sequence.close());
        if (failure == null) {
            done.complete(firstToken);
        } else {
            done.completeExceptionally(failure);
        }
    }
}
