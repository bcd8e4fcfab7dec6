package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.Vertx;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.dataplane.engine.Embeddings;
import dev.ember.dataplane.engine.ReplicaEngine;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.dataplane.messaging.LoadReporter;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.proxy.Upstreams;
import dev.ember.dataplane.ratelimit.Admission;
import dev.ember.dataplane.ratelimit.RateLimiter;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ModelResolver;
import dev.ember.dataplane.routing.NoReadyReplicaException;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * Embeddings ({@code /embeddings}) on a deployment of an embedding model: resolved, routed to a ready replica and
 * billed like completions, but the engine only reads the inputs (its prefill) and generates nothing. The vectors are
 * simulated ({@link Embeddings}).
 */
@ApplicationScoped
public class EmbeddingService {

    /** OpenAI's limit on the inputs of one request. */
    static final int MAX_INPUTS = 2048;
    static final String FLOAT = "float";
    static final String BASE64 = "base64";

    @Inject
    ModelResolver models;

    @Inject
    RoutingTable routing;

    @Inject
    LoadReporter load;

    @Inject
    UsageReporter usage;

    @Inject
    Admission admission;

    @Inject
    Upstreams upstreams;

    @Inject
    Vertx vertx;

    /** A validated request bound to the replica that will serve it. */
    public record Prepared(EmbeddingRequest request, String deployment, RoutingTable.Replica replica,
            ReplicaEngine engine, List<String> inputs, List<Integer> tokens, int dimensions, boolean base64,
            UsageReporter.Key usageKey, RateLimiter.Decision rateLimits) {

        public int promptTokens() {
            return tokens.stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Validates the request against the deployment's model and picks the replica. */
    public Prepared prepare(KeyCache.Key caller, EmbeddingRequest request, InferenceService.Routing routed) {
        List<FieldViolation> violations = new ArrayList<>();
        List<String> inputs = inputs(request.input(), violations);
        String format = request.encodingFormat() == null ? FLOAT : request.encodingFormat();
        if (!FLOAT.equals(format) && !BASE64.equals(format)) {
            violations.add(new FieldViolation("encoding_format", "must be \"float\" or \"base64\", got '" + format
                    + "'"));
        }
        if (request.dimensions() != null && request.dimensions() < 1) {
            violations.add(new FieldViolation("dimensions", "must be at least 1, got " + request.dimensions()));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        DeploymentSpec deployment = models.resolve(request.model(), caller);
        upstreams.requireSimulated(deployment.name());
        if (!deployment.model().embedding()) {
            throw InvalidArgumentException.field("model", "'" + request.model() + "' serves "
                    + deployment.model().name() + ", which is not an embedding model: use /chat/completions or "
                    + "/completions");
        }
        int modelDimensions = deployment.model().embeddingDimensions();
        if (request.dimensions() != null && request.dimensions() > modelDimensions) {
            throw InvalidArgumentException.field("dimensions", "must be at most " + modelDimensions + ", the "
                    + "dimensions of " + deployment.model().name() + ", got " + request.dimensions());
        }
        int context = deployment.contextLength();
        List<Integer> tokens = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int count = CompletionService.BOS + Tokenizer.count(inputs.get(i));
            if (count > context) {
                String param = request.input().isArray() ? "input[" + i + "]" : "input";
                String message = "the input is " + count + " tokens long, more than the context length of "
                        + context;
                throw new InvalidArgumentException("context_length_exceeded", message,
                        List.of(new FieldViolation(param, message)));
            }
            tokens.add(count);
        }
        RoutingTable.Replica replica = routing.pick(deployment, routed.session()).orElseThrow(() -> {
            load.wakeUp(deployment.name());
            return new NoReadyReplicaException(deployment.name());
        });
        Admission.Admitted admitted = admission.admit(caller, deployment,
                tokens.stream().mapToLong(Integer::longValue).sum(), "input");
        ReplicaEngine engine = InferenceService.engineOf(replica, deployment);
        return new Prepared(request, deployment.name(), replica, engine, List.copyOf(inputs), List.copyOf(tokens),
                request.dimensions() == null ? modelDimensions : request.dimensions(), BASE64.equals(format),
                admitted.usageKey(), admitted.rateLimits());
    }

    /**
     * Reads the inputs on the replica (the engine's prefill of each, in one batch, paced on timers), then completes
     * with their vectors.
     */
    public InferenceService.Generation<InferenceService.Completed> embed(Prepared p) {
        LoadReporter.Tracked tracked = load.begin(p.deployment(), p.promptTokens());
        Runnable release = p.replica().acquire();
        Runnable record = () -> {
            release.run();
            tracked.finish(0);
            usage.record(p.usageKey(), p.promptTokens(), 0);
        };
        Pacing pacing;
        try {
            pacing = new Pacing(p.engine(), p.tokens(), Collections.nCopies(p.tokens().size(), 0));
        } catch (RuntimeException e) {
            record.run();
            throw e;
        }
        // Each input's one step is its prefill; nothing is handed on until all are done.
        CompletionStage<InferenceService.Completed> done = pacing.run(vertx, input -> {
        }).whenComplete((prefill, failure) -> record.run()).thenApply(prefill -> vectors(p, prefill));
        return new InferenceService.Generation<>(done,
                () -> pacing.cancel(new CancellationException("the client left")));
    }

    private InferenceService.Completed vectors(Prepared p, Duration prefill) {
        String model = p.engine().model().model().name();
        List<EmbeddingList.Embedding> data = new ArrayList<>();
        for (int i = 0; i < p.inputs().size(); i++) {
            float[] vector = Embeddings.embed(model, p.inputs().get(i), p.dimensions());
            data.add(new EmbeddingList.Embedding(EmbeddingList.Embedding.OBJECT, i,
                    p.base64() ? Embeddings.base64(vector) : vector));
        }
        return new InferenceService.Completed(new EmbeddingList(EmbeddingList.OBJECT, data, p.request().model(),
                new EmbeddingList.Usage(p.promptTokens(), p.promptTokens())), prefill);
    }

    /** A string or a non-empty list of strings, at most {@link #MAX_INPUTS}, none empty. */
    private static List<String> inputs(JsonNode input, List<FieldViolation> violations) {
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            if (input.asText().isEmpty()) {
                violations.add(new FieldViolation("input", "must not be empty"));
            }
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            if (input.size() > MAX_INPUTS) {
                violations.add(new FieldViolation("input", "at most " + MAX_INPUTS + " inputs per request, got "
                        + input.size()));
                return texts;
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (!item.isTextual()) {
                    violations.add(new FieldViolation("input[" + i + "]", item.isNumber() || item.isArray()
                            ? "token-ID inputs are not supported by the simulated engine, which has no vocabulary "
                                    + "of IDs: send the text"
                            : "must be a string"));
                    return texts;
                }
                if (item.asText().isEmpty()) {
                    violations.add(new FieldViolation("input[" + i + "]", "must not be empty"));
                }
                texts.add(item.asText());
            }
        } else {
            violations.add(new FieldViolation("input", "must be a string or a non-empty list of strings"));
        }
        return texts;
    }
}
