package dev.ember.dataplane.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * The live engine of one replica, for the data plane: requests join and leave its batch in real time, and each
 * asks how long until its next token given the batch as it is now. It prices steps with the same
 * {@link PerformanceModel} as {@link BatchSimulator} but estimates instead of stepping: a request's first token
 * waits for a free slot (when the batch is full), then for the prompts ahead of it and its own prompt; each later
 * token takes one decode step of the current batch, longer while other prompts are being prefilled. Thread-safe.
 */
public final class ReplicaEngine {

    private final PerformanceModel model;
    private final Clock clock;
    /** Sequences holding a batch slot and their KV reservation, oldest first. Guarded by {@code this}. */
    private final List<Sequence> admitted = new ArrayList<>();
    /** Sequences waiting for a slot, oldest first. Guarded by {@code this}. */
    private final Deque<Sequence> queued = new ArrayDeque<>();
    private long reservedTokens;

    public ReplicaEngine(PerformanceModel model) {
        this(model, Clock.systemUTC());
    }

    public ReplicaEngine(PerformanceModel model, Clock clock) {
        this.model = Objects.requireNonNull(model, "model");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public PerformanceModel model() {
        return model;
    }

    /**
     * Registers a request in the batch (or the queue when the batch has no free slot or KV cache).
     *
     * @throws IllegalArgumentException when prompt and output together could never fit in the KV cache
     */
    public Sequence start(int promptTokens, int maxOutputTokens) {
        if (promptTokens < 1 || maxOutputTokens < 1) {
            throw new IllegalArgumentException("promptTokens and maxOutputTokens must be at least 1, got "
                    + promptTokens + " and " + maxOutputTokens);
        }
        long need = (long) promptTokens + maxOutputTokens;
        if (need > model.kvCapacityTokens()) {
            throw new IllegalArgumentException("prompt and output (" + need + " tokens) exceed the KV cache of "
                    + model + " (" + model.kvCapacityTokens() + " tokens)");
        }
        synchronized (this) {
            Instant now = clock.instant();
            List<Sequence> decoding = decoding(now);
            double context = decoding.stream().mapToDouble(Sequence::context).sum();
            double prefill = model.stepSeconds(decoding.size(), context, (int) Math.min(Integer.MAX_VALUE,
                    pendingPrefillTokens(now) + promptTokens), PerformanceModel.causalPairs(0, promptTokens));
            boolean admitNow = queued.isEmpty() && fits(need);
            double wait = admitNow ? 0 : slotWaitSeconds(queued.size() + 1);
            Sequence s = new Sequence(promptTokens, maxOutputTokens, PerformanceModel.toDuration(wait + prefill), now);
            if (admitNow) {
                admit(s);
            } else {
                queued.add(s);
            }
            return s;
        }
    }

    /** Sequences holding a slot in the batch. */
    public synchronized int batchSize() {
        return admitted.size();
    }

    public synchronized int queueLength() {
        return queued.size();
    }

    private boolean fits(long need) {
        return admitted.size() < EngineConstants.MAX_BATCH_SIZE && reservedTokens + need <= model.kvCapacityTokens();
    }

    private void admit(Sequence s) {
        admitted.add(s);
        reservedTokens += s.reservation();
    }

    /** Until the {@code position}-th running sequence finishes, at the current batch's pace. */
    private double slotWaitSeconds(int position) {
        double step = model.decodeStepSeconds(Math.max(1, admitted.size()), averageContext(admitted))
                / model.tokensPerDecodeStep();
        double[] remaining = admitted.stream().mapToDouble(s -> s.remainingTokens() * step).sorted().toArray();
        return remaining.length == 0 ? 0 : remaining[Math.min(position, remaining.length) - 1];
    }

    private List<Sequence> decoding(Instant now) {
        return admitted.stream().filter(s -> !s.firstTokenAt.isAfter(now)).toList();
    }

    private long pendingPrefillTokens(Instant now) {
        return admitted.stream().filter(s -> s.firstTokenAt.isAfter(now)).mapToLong(s -> s.promptTokens).sum();
    }

    private static double averageContext(List<Sequence> sequences) {
        return sequences.stream().mapToDouble(Sequence::context).average().orElse(0);
    }

    private synchronized Duration nextTokenDelay(Sequence s) {
        Instant now = clock.instant();
        List<Sequence> batch = new ArrayList<>(decoding(now));
        if (!batch.contains(s)) {
            batch.add(s);
        }
        double context = batch.stream().mapToDouble(Sequence::context).sum();
        // Prompts being prefilled share the step, so they slow this token down as they would on a GPU.
        long prefill = Math.min(pendingPrefillTokens(now), Math.max(0, EngineConstants.MAX_STEP_TOKENS - batch.size()));
        double seconds = model.stepSeconds(batch.size(), context, (int) prefill, PerformanceModel.causalPairs(0,
                prefill)) / model.tokensPerDecodeStep();
        s.generated++;
        return PerformanceModel.toDuration(seconds);
    }

    private synchronized void close(Sequence s) {
        if (s.closed) {
            return;
        }
        s.closed = true;
        if (admitted.remove(s)) {
            reservedTokens -= s.reservation();
        } else {
            queued.remove(s);
        }
        while (!queued.isEmpty() && fits(queued.peek().reservation())) {
            admit(queued.poll());
        }
    }

    /** One request's place in the batch. Close it when the request ends, however it ends. */
    public final class Sequence implements AutoCloseable {

        private final int promptTokens;
        private final int maxOutputTokens;
        private final Duration firstTokenDelay;
        private final Instant firstTokenAt;
        /** Tokens after the first handed out so far; guarded by the engine. */
        private int generated;
        private boolean closed;

        private Sequence(int promptTokens, int maxOutputTokens, Duration firstTokenDelay, Instant startedAt) {
            this.promptTokens = promptTokens;
            this.maxOutputTokens = maxOutputTokens;
            this.firstTokenDelay = firstTokenDelay;
            this.firstTokenAt = startedAt.plus(firstTokenDelay);
        }

        /** From the request's arrival to its first token: waiting for a slot, the prompts ahead, its own prefill. */
        public Duration firstTokenDelay() {
            return firstTokenDelay;
        }

        /** Until the next token: one decode step of the batch as it is now. Call once per token after the first. */
        public Duration nextTokenDelay() {
            return ReplicaEngine.this.nextTokenDelay(this);
        }

        @Override
        public void close() {
            ReplicaEngine.this.close(this);
        }

        private long reservation() {
            return (long) promptTokens + maxOutputTokens;
        }

        private double context() {
            return promptTokens + 1 + generated;
        }

        private int remainingTokens() {
            return Math.max(0, maxOutputTokens - 1 - generated);
        }
    }
}
