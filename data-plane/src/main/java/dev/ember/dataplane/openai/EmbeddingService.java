package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.dataplane.engine.Embeddings;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.dataplane.ratelimit.RateLimiter;
import dev.ember.dataplane.routing.KeyCache;

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
    InferenceService inference;

    /** A validated request bound to the replica that will serve it. */
    public record Prepared(EmbeddingRequest request, InferenceService.Placed placed, List<String> inputs,
            List<Integer> tokens, int dimensions, boolean base64) {

        public RateLimiter.Decision rateLimits() {
            return placed.admitted().rateLimits();
        }

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
        DeploymentSpec deployment = inference.resolve(caller, request.model(), true);
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
        InferenceService.Placed placed = inference.place(caller, deployment, routed,
                tokens.stream().mapToLong(Integer::longValue).sum(), "input");
        return new Prepared(request, placed, List.copyOf(inputs), List.copyOf(tokens),
                request.dimensions() == null ? modelDimensions : request.dimensions(), BASE64.equals(format));
    }

    /**
     * Reads the inputs on the replica (the engine's prefill of each, in one batch, paced on timers), then completes
     * with their vectors.
     */
    public InferenceService.Generation<InferenceService.Completed> embed(Prepared p) {
        // Each input's one step is its prefill; nothing is handed on until all are done, and nothing is generated.
        return inference.generate(p.placed(), p.promptTokens(), p.tokens(), Collections.nCopies(p.tokens().size(), 0),
                new InferenceService.Sequences() {
                }).map(prefill -> vectors(p, prefill));
    }

    private InferenceService.Completed vectors(Prepared p, Duration prefill) {
        String model = p.placed().engine().model().model().name();
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
