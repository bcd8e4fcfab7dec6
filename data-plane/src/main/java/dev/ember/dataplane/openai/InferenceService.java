package dev.ember.dataplane.openai;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.core.Vertx;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.UnavailableException;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.dataplane.engine.ModelDoesNotFitException;
import dev.ember.dataplane.engine.ReplicaEngine;
import dev.ember.dataplane.messaging.LoadReporter;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.metrics.InferenceMetrics;
import dev.ember.dataplane.proxy.Upstreams;
import dev.ember.dataplane.ratelimit.Admission;
import dev.ember.dataplane.ratelimit.RateLimiter;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ModelResolver;
import dev.ember.dataplane.routing.NoReadyReplicaException;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * The serving pipeline of both OpenAI endpoints: resolve the deployment, fit each prompt and its reply into the
 * context, pick the least-loaded ready replica and draw every choice's reply ({@link #prepare}); then deliver the
 * tokens at the pace of the replica's simulated engine while load, usage and serving metrics are recorded
 * ({@link #run}). The endpoints add only what differs: how a prompt is read and how a reply is written.
 */
@ApplicationScoped
public class InferenceService {

    /** Fireworks' default max_tokens: "max_tokens is set at 2K by default". */
    public static final int DEFAULT_MAX_TOKENS = 2048;
    /** Spreads the seeds of a request's choices (the golden ratio in 64 bits, as SplittableRandom does). */
    private static final long CHOICE_SEED_STEP = 0x9E3779B97F4A7C15L;

    @Inject
    ModelResolver models;

    @Inject
    RoutingTable routing;

    @Inject
    LoadReporter load;

    @Inject
    Clock clock;

    @Inject
    UsageReporter usage;

    @Inject
    InferenceMetrics metrics;

    @Inject
    Admission admission;

    @Inject
    Upstreams upstreams;

    @Inject
    Vertx vertx;

    /**
     * One prompt of a request.
     *
     * @param text what its seed is drawn from (and what {@code echo} repeats)
     * @param tokens its length as the engine counts it, template tokens included
     * @param param the request parameter it came from, for errors
     */
    public record Prompt(String text, int tokens, String param) {
    }

    /** One choice: its index in the response, the prompt it answers, its seed and its reply. */
    public record Choice(int index, int prompt, int promptTokens, long seed, Reply reply) {
    }

    /** Draws the reply to prompt {@code prompt} from {@code seed}, in at most {@code maxTokens} tokens. */
    @FunctionalInterface
    public interface Drafter {

        Reply draft(int prompt, long seed, int maxTokens);
    }

    /**
     * A request bound to a ready replica of its deployment and admitted ({@link #place}): the end of every simulated
     * endpoint's preparation.
     */
    public record Placed(String deployment, RoutingTable.Replica replica, ReplicaEngine engine,
            Admission.Admitted admitted) {
    }

    /** A validated request bound to the replica that will serve it, with every choice's reply already drawn. */
    public record Prepared(GenerationRequest request, Sampling sampling, Placed placed, List<Prompt> prompts,
            List<Choice> choices, String id, long created) {

        public String deployment() {
            return placed.deployment();
        }

        public RoutingTable.Replica replica() {
            return placed.replica();
        }

        public ReplicaEngine engine() {
            return placed.engine();
        }

        public UsageReporter.Key usageKey() {
            return placed.admitted().usageKey();
        }

        public RateLimiter.Decision rateLimits() {
            return placed.admitted().rateLimits();
        }

        public boolean streaming() {
            return Boolean.TRUE.equals(request.stream());
        }

        /** The prompt tokens of the request, each prompt once however many choices answer it. */
        public int promptTokens() {
            return prompts.stream().mapToInt(Prompt::tokens).sum();
        }

        ChatCompletion.Usage usage() {
            int completion = choices.stream().mapToInt(c -> c.reply().tokens().size()).sum();
            return new ChatCompletion.Usage(promptTokens(), completion, promptTokens() + completion);
        }

        /** Starts the serving metrics of one choice, labelled with the deployment's model, not the request's. */
        InferenceMetrics.Request timing(InferenceMetrics metrics) {
            return metrics.start(engine().model().model().name(), deployment());
        }
    }

    /** A whole response body, and how long its first token took on the simulated replica. */
    public record Completed(Object body, Duration timeToFirstToken) {
    }

    /** Receives a request's tokens as the engine produces them: the stream of a streamed request. */
    interface TokenSink {

        TokenSink NONE = new TokenSink() {
        };

        /** The engine has the request's sequences; no token yet. */
        default void started() throws IOException {
        }

        /** Token {@code token} of {@code choice} is out. */
        default void token(Choice choice, int token) throws IOException {
        }

        /** The last token of {@code choice} is out; {@code last} when no other choice has tokens left. */
        default void finished(Choice choice, boolean last) throws IOException {
        }
    }

    /**
     * How a request asks to be routed, from its headers.
     *
     * @param session the session affinity key: requests with the same one go to the same ready replica (null: none)
     */
    public record Routing(String session) {

        public static final Routing NONE = new Routing(null);
    }

    /**
     * Resolves the deployment, fits each prompt and its reply into the model's context, picks the ready replica
     * ({@link RoutingTable#pick}), counts a serverless request against the account's rate limits and draws {@code n}
     * replies per prompt.
     */
    public Prepared prepare(KeyCache.Key caller, GenerationRequest request, Sampling sampling, List<Prompt> prompts,
            String idPrefix, Drafter drafter, Routing routed) {
        DeploymentSpec deployment = resolve(caller, request.model(), false);
        int context = deployment.contextLength();
        String limit = deployment.maxContextLength() > 0
                ? "the deployment's maxContextLength"
                : "the model's context length";
        List<Integer> maxTokens = prompts.stream().map(p -> fit(p, context, limit, sampling)).toList();
        long tokens = 0;
        for (int p = 0; p < prompts.size(); p++) {
            tokens += prompts.get(p).tokens() + (long) sampling.n() * maxTokens.get(p);
        }
        Placed placed = place(caller, deployment, routed, tokens, sampling.maxTokensParam());
        ReplicaEngine engine = placed.engine();
        List<Choice> choices = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            Prompt prompt = prompts.get(p);
            long kvRoom = engine.model().kvCapacityTokens() - prompt.tokens();
            if (kvRoom < 1) {
                throw contextExceeded(prompt.param(), "the prompt is " + prompt.tokens() + " tokens long, more than "
                        + "fits the KV cache of this deployment's replicas (" + engine.model().kvCapacityTokens()
                        + " tokens)");
            }
            int max = (int) Math.min(maxTokens.get(p), kvRoom);
            long seed = seed(request, sampling, prompt);
            for (int i = 0; i < sampling.n(); i++) {
                long choiceSeed = sampling.greedy() ? seed : seed + i * CHOICE_SEED_STEP;
                choices.add(new Choice(choices.size(), p, prompt.tokens(), choiceSeed,
                        drafter.draft(p, choiceSeed, max)));
            }
        }
        return new Prepared(request, sampling, placed, List.copyOf(prompts), List.copyOf(choices),
                idPrefix + UUID.randomUUID().toString().replace("-", ""), clock.instant().getEpochSecond());
    }

    /**
     * The simulated deployment that {@code model} names for {@code caller}, checked to serve what the endpoint needs:
     * an embedding model for {@code /embeddings} ({@code embeddings}), a model that generates text for the others.
     */
    DeploymentSpec resolve(KeyCache.Key caller, String model, boolean embeddings) {
        DeploymentSpec deployment = models.resolve(model, caller);
        upstreams.requireSimulated(deployment.name());
        if (embeddings && !deployment.model().embedding()) {
            throw InvalidArgumentException.field("model", "'" + model + "' serves " + deployment.model().name()
                    + ", which is not an embedding model: use /chat/completions or /completions");
        }
        if (!embeddings && deployment.model().embedding()) {
            throw InvalidArgumentException.field("model", "'" + model + "' serves the embedding model "
                    + deployment.model().name() + ", which generates no text: use /embeddings");
        }
        return deployment;
    }

    /**
     * Picks the ready replica of {@code deployment} ({@link RoutingTable#pick}; with none, asks the scheduler to wake
     * one) and admits the request of at most {@code tokens} tokens ({@link Admission}: a serverless request counts
     * against the account's rate limits).
     *
     * @param tokensParam the request parameter that sets most of the tokens, named when they alone are over the limit
     */
    Placed place(KeyCache.Key caller, DeploymentSpec deployment, Routing routed, long tokens, String tokensParam) {
        RoutingTable.Replica replica = routing.pick(deployment, routed.session()).orElseThrow(() -> {
            load.wakeUp(deployment.name());
            return new NoReadyReplicaException(deployment.name());
        });
        Admission.Admitted admitted = admission.admit(caller, deployment, tokens, tokensParam);
        return new Placed(deployment.name(), replica, engineOf(replica, deployment), admitted);
    }

    /**
     * The most tokens a reply to the prompt may have. A prompt that leaves no room in the context is refused; a
     * max_tokens that does not fit is lowered ({@code truncate}, the default) or refused ({@code error}).
     */
    /** {@code limit} names where {@code context} comes from: the model's context length or the deployment's cap. */
    private static int fit(Prompt prompt, int context, String limit, Sampling sampling) {
        if (prompt.tokens() >= context) {
            throw contextExceeded(prompt.param(), "the prompt is " + prompt.tokens() + " tokens long, more than "
                    + limit + " of " + context);
        }
        int room = context - prompt.tokens();
        if (sampling.maxTokens() == null) {
            return Math.min(DEFAULT_MAX_TOKENS, room);
        }
        if (sampling.maxTokens() > room && !sampling.truncate()) {
            throw contextExceeded(sampling.maxTokensParam(), "the prompt (" + prompt.tokens() + " tokens) and "
                    + sampling.maxTokensParam() + " (" + sampling.maxTokens() + ") exceed " + limit
                    + " of " + context + "; context_length_exceeded_behavior \"truncate\" lowers "
                    + sampling.maxTokensParam() + " to fit instead");
        }
        return Math.min(sampling.maxTokens(), room);
    }

    private static InvalidArgumentException contextExceeded(String param, String message) {
        return new InvalidArgumentException("context_length_exceeded", message,
                List.of(new FieldViolation(param, message)));
    }

    /** The same seed and prompt give the same reply; so does greedy sampling without a seed. Else it is random. */
    private static long seed(GenerationRequest request, Sampling sampling, Prompt prompt) {
        if (request.seed() != null) {
            return request.seed() * 31 + prompt.text().hashCode();
        }
        return sampling.greedy() ? prompt.text().hashCode() : ThreadLocalRandom.current().nextLong();
    }

    private static ReplicaEngine engineOf(RoutingTable.Replica replica, DeploymentSpec deployment) {
        try {
            return replica.engine(deployment);
        } catch (ModelDoesNotFitException e) {
            throw new UnavailableException("REPLICA_CANNOT_SERVE", e.getMessage());
        }
    }

    /**
     * Delivers every choice's tokens to {@code sink} at the engine's pace, each choice a sequence in the replica's
     * batch, on Vert.x timers (no thread waits). Load, usage (the prompt once, every token delivered) and each choice's
     * serving metrics are recorded however it ends; a choice counts as a success once its end has been handed on. The
     * generation fails with what the sink throws (a client that left), or when it is cancelled.
     *
     * @return the generation, which completes with how long the engine took to the request's first token
     */
    Generation<Duration> run(Prepared p, TokenSink sink) {
        List<Choice> choices = p.choices();
        List<InferenceMetrics.Request> timings = choices.stream().map(c -> p.timing(metrics)).toList();
        int[] sent = new int[choices.size()];
        String[] finished = new String[choices.size()];
        int[] left = {choices.size()};
        return generate(p.placed(), p.promptTokens(), choices.stream().map(Choice::promptTokens).toList(),
                choices.stream().map(c -> c.reply().tokens().size()).toList(), new Sequences() {

                    @Override
                    public void started() throws IOException {
                        sink.started();
                    }

                    @Override
                    public void token(int lane) throws IOException {
                        Choice choice = choices.get(lane);
                        sink.token(choice, sent[lane]);
                        if (sent[lane] == 0) {
                            timings.get(lane).firstToken();
                        } else {
                            timings.get(lane).nextToken();
                        }
                        if (++sent[lane] == choice.reply().tokens().size()) {
                            sink.finished(choice, --left[0] == 0);
                            finished[lane] = choice.reply().finishReason();
                        }
                    }

                    @Override
                    public int delivered() {
                        return java.util.Arrays.stream(sent).sum();
                    }

                    @Override
                    public void ended() {
                        for (int i = 0; i < choices.size(); i++) {
                            timings.get(i).finish(choices.get(i).promptTokens(), sent[i], finished[i]);
                        }
                    }
                });
    }

    /** What a generation hands on, and records besides what {@link #generate} records for every request. */
    interface Sequences {

        /** The engine has the request's sequences; no token yet. */
        default void started() throws IOException {
        }

        /** The next token of sequence {@code lane} is out. Throwing ends the generation. */
        default void token(int lane) throws IOException {
        }

        /** The tokens handed on so far, all sequences together: what the request is billed for. */
        default int delivered() {
            return 0;
        }

        /** The generation is over, however it ended. */
        default void ended() {
        }
    }

    /**
     * Runs one sequence per entry of {@code prompts} (its prompt tokens) and {@code outputs} (the tokens it generates)
     * in the placed replica's batch, at the engine's pace, on Vert.x timers (no thread waits), handing each token to
     * {@code sequences} as it is due. However it ends, it records what every request costs: the deployment's load
     * (the request, its {@code promptTokens}, the tokens delivered and how long it took), the replica's count of
     * requests in flight, and usage ({@code promptTokens}, each prompt once, and every token delivered: a stream the
     * client left early is billed for what it was sent). The generation fails with what {@code sequences} throws (a
     * client that left), or when it is cancelled.
     *
     * @return the generation, which completes with how long the engine took to the request's first token
     */
    Generation<Duration> generate(Placed placed, int promptTokens, List<Integer> prompts, List<Integer> outputs,
            Sequences sequences) {
        LoadReporter.Tracked tracked = load.begin(placed.deployment(), promptTokens);
        Runnable release = placed.replica().acquire();
        Runnable record = () -> {
            release.run();
            sequences.ended();
            int delivered = sequences.delivered();
            tracked.finish(delivered);
            usage.record(placed.admitted().usageKey(), promptTokens, delivered);
        };
        Pacing pacing;
        try {
            pacing = new Pacing(placed.engine(), prompts, outputs);
        } catch (RuntimeException e) {
            record.run();
            throw e;
        }
        CompletionStage<Duration> done;
        try {
            sequences.started();
            done = pacing.run(vertx, sequences::token);
        } catch (IOException | RuntimeException e) {
            pacing.cancel(e);
            done = CompletableFuture.failedFuture(e);
        }
        return new Generation<>(done.whenComplete((firstToken, failure) -> record.run()),
                () -> pacing.cancel(new CancellationException("the client left")));
    }

    /**
     * A request being generated: {@code done} completes with its result when the engine is through with it, or fails;
     * {@code cancel} ends it at once (its client left), taking its sequences out of the replica's batch.
     */
    public record Generation<T>(CompletionStage<T> done, Runnable cancel) {

        /** The same generation, completing with {@code f} of the result. */
        public <R> Generation<R> map(java.util.function.Function<? super T, ? extends R> f) {
            return new Generation<>(done.thenApply(f), cancel);
        }
    }
}
