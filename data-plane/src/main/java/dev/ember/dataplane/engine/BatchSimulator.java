package dev.ember.dataplane.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A continuous-batching engine simulated in virtual time, step by step as vLLM and TensorRT-LLM run: waiting requests
 * are admitted first come, first served while the batch has a free slot and the KV cache can reserve their prompt
 * and output; every step decodes one token for each running sequence and fills the rest of its token budget with
 * prompt chunks, so a prefill slows the running batch's next token; a sequence leaves after its last output token.
 * The prefill step yields a sequence's first token. Deterministic: the same workload gives the same result.
 */
public final class BatchSimulator {

    /**
     * What to run. Online ({@code concurrency > 0}): that many closed-loop clients, each sending its next request as
     * soon as the previous one finished, until {@code requests} were sent. Offline ({@code concurrency == 0}): all
     * {@code requests} queued at time zero.
     */
    public record Workload(int concurrency, int inputTokens, int outputTokens, int requests) {

        /**
         * Requests each online client sends in a standard run: the first round starts together and leaves its mark
         * (a queue that takes a while to spread out), so a few rounds are needed for the medians to settle.
         */
        public static final int ROUNDS_PER_CLIENT = 4;

        /** Requests in a standard offline run: many batches' worth, so ramp-up and drain weigh little. */
        public static final int OFFLINE_REQUESTS = 2000;

        public Workload {
            if (concurrency < 0) {
                throw new IllegalArgumentException("concurrency must not be negative, got " + concurrency);
            }
            if (inputTokens < 1 || outputTokens < 1) {
                throw new IllegalArgumentException("input and output tokens must be at least 1, got " + inputTokens
                        + " and " + outputTokens);
            }
            if (requests < 1) {
                throw new IllegalArgumentException("requests must be at least 1, got " + requests);
            }
        }

        public static Workload online(int concurrency, int inputTokens, int outputTokens, int requests) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            }
            return new Workload(concurrency, inputTokens, outputTokens, requests);
        }

        public static Workload offline(int inputTokens, int outputTokens, int requests) {
            return new Workload(0, inputTokens, outputTokens, requests);
        }

        /** The standard run: {@link #ROUNDS_PER_CLIENT} rounds online, {@link #OFFLINE_REQUESTS} offline (0). */
        public static Workload standard(int concurrency, int inputTokens, int outputTokens) {
            return concurrency == 0
                    ? offline(inputTokens, outputTokens, OFFLINE_REQUESTS)
                    : online(concurrency, inputTokens, outputTokens, concurrency * ROUNDS_PER_CLIENT);
        }

        boolean isOffline() {
            return concurrency == 0;
        }
    }

    /**
     * Medians over requests: time to first token, and inter-token latency (each request's mean gap between output
     * tokens). Throughput is every output token over the time from the first request to the last token.
     */
    public record Result(double ttftP50Seconds, double itlP50Seconds, double outputTokensPerSecond, int requests,
            double elapsedSeconds) {

        public double ttftMsP50() {
            return ttftP50Seconds * 1000;
        }

        public double itlMsP50() {
            return itlP50Seconds * 1000;
        }
    }

    private static final class Sequence {

        final double arrival;
        int prefilled;
        double generated;
        double firstTokenAt;

        Sequence(double arrival) {
            this.arrival = arrival;
        }
    }

    private final PerformanceModel model;
    private final Workload workload;
    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final double[] ttft;
    private final double[] itl;
    private int sent;
    private int finished;
    private long reservedTokens;
    private double now;

    private BatchSimulator(PerformanceModel model, Workload workload) {
        this.model = Objects.requireNonNull(model, "model");
        this.workload = Objects.requireNonNull(workload, "workload");
        this.ttft = new double[workload.requests()];
        this.itl = new double[workload.requests()];
    }

    public static Result run(PerformanceModel model, Workload workload) {
        return new BatchSimulator(model, workload).simulate();
    }

    private Result simulate() {
        long perRequest = (long) workload.inputTokens() + workload.outputTokens();
        if (perRequest > model.kvCapacityTokens()) {
            throw new ModelDoesNotFitException(String.format("a request of %d tokens does not fit in the KV cache of %s"
                    + " (%d tokens)", perRequest, model, model.kvCapacityTokens()));
        }
        int clients = workload.isOffline() ? workload.requests() : workload.concurrency();
        int initial = Math.min(clients, workload.requests());
        for (int i = 0; i < initial; i++) {
            send();
        }
        while (finished < workload.requests()) {
            admit();
            if (running.isEmpty()) {
                // cannot happen while every request fits the KV cache on its own; guards against looping forever
                throw new IllegalStateException("nothing to run with " + waiting.size() + " requests waiting");
            }
            step();
        }
        double tokensPerSecond = (double) workload.requests() * workload.outputTokens() / now;
        return new Result(median(ttft), median(itl), tokensPerSecond, workload.requests(), now);
    }

    private void send() {
        waiting.add(new Sequence(now));
        sent++;
    }

    private void admit() {
        long need = (long) workload.inputTokens() + workload.outputTokens();
        while (!waiting.isEmpty() && running.size() < EngineConstants.MAX_BATCH_SIZE
                && reservedTokens + need <= model.kvCapacityTokens()) {
            running.add(waiting.poll());
            reservedTokens += need;
        }
    }

    /** One engine step over the running batch; advances the clock and retires finished sequences. */
    private void step() {
        int decoding = 0;
        double context = 0;
        for (Sequence s : running) {
            if (s.prefilled == workload.inputTokens()) {
                decoding++;
                context += workload.inputTokens() + s.generated;
            }
        }
        int verified = model.speculative().map(sd -> sd.draftTokens() + 1).orElse(1);
        int budget = Math.max(0, EngineConstants.MAX_STEP_TOKENS - decoding * verified);
        int[] chunks = new int[running.size()];
        int prefillTokens = 0;
        double pairs = 0;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            int chunk = Math.min(workload.inputTokens() - s.prefilled, budget);
            if (chunk > 0) {
                chunks[i] = chunk;
                pairs += PerformanceModel.causalPairs(s.prefilled, s.prefilled + chunk);
                prefillTokens += chunk;
                budget -= chunk;
            }
        }
        now += model.stepSeconds(decoding, context, prefillTokens, pairs);
        double gained = model.tokensPerDecodeStep();
        List<Sequence> done = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Sequence s = running.get(i);
            if (chunks[i] > 0) {
                s.prefilled += chunks[i];
                if (s.prefilled == workload.inputTokens()) {
                    s.firstTokenAt = now;
                    s.generated = 1;
                }
            } else if (s.prefilled == workload.inputTokens()) {
                s.generated = Math.min(workload.outputTokens(), s.generated + gained);
            }
            if (s.prefilled == workload.inputTokens() && s.generated >= workload.outputTokens()) {
                done.add(s);
            }
        }
        for (Sequence s : done) {
            retire(s);
        }
    }

    private void retire(Sequence s) {
        running.remove(s);
        reservedTokens -= (long) workload.inputTokens() + workload.outputTokens();
        ttft[finished] = s.firstTokenAt - s.arrival;
        itl[finished] = workload.outputTokens() > 1 ? (now - s.firstTokenAt) / (workload.outputTokens() - 1) : 0;
        finished++;
        if (!workload.isOffline() && sent < workload.requests()) {
            send();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
