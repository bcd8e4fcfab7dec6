package dev.ember.dataplane.openai;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.UnavailableException;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.UsageReported;
import dev.ember.dataplane.engine.ModelDoesNotFitException;
import dev.ember.dataplane.engine.ReplicaEngine;
import dev.ember.dataplane.engine.TextGenerator;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.dataplane.messaging.LoadReporter;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.metrics.InferenceMetrics;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ModelResolver;
import dev.ember.dataplane.routing.RoutingTable;

/** Chat completions: validate, resolve the deployment, pick a ready replica, generate. */
@ApplicationScoped
public class ChatService {

    public static final int DEFAULT_MAX_TOKENS = 2048;
    static final Duration SCALING_UP_RETRY = Duration.ofSeconds(10);
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    @Inject
    ModelResolver models;

    @Inject
    RoutingTable routing;

    @Inject
    LoadReporter load;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @Inject
    UsageReporter usage;

    @Inject
    InferenceMetrics metrics;

    /** A validated request bound to the replica that will serve it, with its reply already drawn. */
    public record Prepared(ChatCompletionRequest request, String deployment, RoutingTable.Replica replica,
            ReplicaEngine engine, int promptTokens,
            TextGenerator.Generation generation, String id, long created, UsageReporter.Key usageKey) {

        public boolean streaming() {
            return Boolean.TRUE.equals(request.stream());
        }

        String finishReason() {
            return generation.finished() ? "stop" : "length";
        }

        /** Starts the serving metrics of this request, labelled with the deployment's model, not the request's. */
        InferenceMetrics.Request timing(InferenceMetrics metrics) {
            return metrics.start(engine.model().model().name(), deployment);
        }

        ChatCompletion.Usage usage() {
            int completion = generation.tokens().size();
            return new ChatCompletion.Usage(promptTokens, completion, promptTokens + completion);
        }
    }

    /** Validates, resolves the deployment, picks the least-loaded ready replica and draws the reply. */
    public Prepared prepare(KeyCache.Key caller, ChatCompletionRequest request) {
        if (request == null) {
            throw InvalidArgumentException.field("body", "a JSON request body is required");
        }
        List<String> texts = validate(request);
        DeploymentSpec deployment = models.resolve(request.model(), caller);

        int promptTokens = Tokenizer.REPLY_PRIMER;
        for (String text : texts) {
            promptTokens += Tokenizer.count(text) + Tokenizer.PER_MESSAGE;
        }
        int context = deployment.contextLength();
        if (promptTokens >= context) {
            throw new EmberException(ErrorCode.INVALID_ARGUMENT, "context_length_exceeded", "the prompt is "
                    + promptTokens + " tokens long, more than " + (deployment.maxContextLength() > 0
                            ? "the deployment's maxContextLength of "
                            : "the model's context length of ")
                    + context);
        }
        int requested = request.maxCompletionTokens() != null
                ? request.maxCompletionTokens()
                : request.maxTokens() != null ? request.maxTokens() : DEFAULT_MAX_TOKENS;
        int maxTokens = Math.min(requested, context - promptTokens);

        RoutingTable.Replica replica = routing.leastLoadedReady(deployment).orElseThrow(() -> {
            load.wakeUp(deployment.name());
            return new UnavailableException("DEPLOYMENT_SCALING_UP", "deployment " + deployment.name()
                    + " has no ready replica; one is starting, retry shortly", SCALING_UP_RETRY);
        });
        ReplicaEngine engine = engineOf(replica, deployment);
        long kvRoom = engine.model().kvCapacityTokens() - promptTokens;
        if (kvRoom < 1) {
            throw new EmberException(ErrorCode.INVALID_ARGUMENT, "context_length_exceeded", "the prompt is "
                    + promptTokens + " tokens long, more than fits the KV cache of this deployment's replicas ("
                    + engine.model().kvCapacityTokens() + " tokens)");
        }
        maxTokens = (int) Math.min(maxTokens, kvRoom);
        long seed = request.seed() != null
                ? request.seed() * 31 + String.join("\n", texts).hashCode()
                : ThreadLocalRandom.current().nextLong();
        return new Prepared(request, deployment.name(), replica, engine, promptTokens,
                TextGenerator.generate(seed, maxTokens),
                "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""), clock.instant().getEpochSecond(),
                new UsageReporter.Key(caller.account(), deployment.baseModel(), deployment.name(), caller.name(),
                        UsageReported.DEDICATED_DEPLOYMENT));
    }

    /** A whole reply, and how long its first token took on the simulated replica. */
    public record Completed(ChatCompletion completion, Duration timeToFirstToken) {
    }

    /** The whole reply as one {@code chat.completion}, returned when the engine has generated all of it. */
    public Completed complete(Prepared p) {
        List<String> tokens = p.generation().tokens();
        LoadReporter.Tracked tracked = load.begin(p.deployment(), p.promptTokens());
        InferenceMetrics.Request timing = p.timing(metrics);
        String finished = null;
        try (AutoCloseable inFlight = p.replica().acquire();
                Pacing pacing = new Pacing(p.engine(), p.promptTokens(), tokens.size())) {
            Duration ttft = pacing.firstToken();
            timing.firstToken();
            for (int i = 1; i < tokens.size(); i++) {
                pacing.nextToken();
                timing.nextToken();
            }
            finished = p.finishReason();
            ChatCompletion completion = new ChatCompletion(p.id(), "chat.completion", p.created(),
                    p.request().model(), List.of(new ChatCompletion.Choice(0,
                            new ChatCompletion.Message("assistant", p.generation().text()), p.finishReason())),
                    p.usage());
            return new Completed(completion, ttft);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } finally {
            tracked.finish(tokens.size());
            timing.finish(p.promptTokens(), tokens.size(), finished);
            usage.record(p.usageKey(), p.promptTokens(), tokens.size());
        }
    }

    private static ReplicaEngine engineOf(RoutingTable.Replica replica, DeploymentSpec deployment) {
        try {
            return replica.engine(deployment);
        } catch (ModelDoesNotFitException e) {
            throw new UnavailableException("REPLICA_CANNOT_SERVE", e.getMessage());
        }
    }

    /** The reply as server-sent events, written when the response is. */
    public StreamingOutput stream(Prepared p) {
        return new ChatStream(p, json, load, usage, metrics);
    }

    /** Checks the request and returns the text of each message. */
    private static List<String> validate(ChatCompletionRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        if (request.messages() == null || request.messages().isEmpty()) {
            violations.add(new FieldViolation("messages", "at least one message is required"));
        } else {
            for (int i = 0; i < request.messages().size(); i++) {
                ChatCompletionRequest.Message m = request.messages().get(i);
                if (m == null || m.role() == null || !ROLES.contains(m.role())) {
                    violations.add(new FieldViolation("messages[" + i + "].role",
                            "must be one of system, developer, user, assistant, tool"));
                    continue;
                }
                String text = text(m.content());
                if (text == null) {
                    violations.add(new FieldViolation("messages[" + i + "].content",
                            "must be a string or a list of {\"type\": \"text\", \"text\": ...} parts"));
                } else {
                    texts.add(text);
                }
            }
        }
        Integer maxTokens = request.maxCompletionTokens() != null
                ? request.maxCompletionTokens()
                : request.maxTokens();
        if (maxTokens != null && maxTokens < 1) {
            violations.add(new FieldViolation(request.maxCompletionTokens() != null
                    ? "max_completion_tokens"
                    : "max_tokens", "must be at least 1"));
        }
        if (request.temperature() != null && (request.temperature() < 0 || request.temperature() > 2)) {
            violations.add(new FieldViolation("temperature", "must be between 0 and 2"));
        }
        if (request.topP() != null && (request.topP() <= 0 || request.topP() > 1)) {
            violations.add(new FieldViolation("top_p", "must be greater than 0 and at most 1"));
        }
        if (request.n() != null && request.n() != 1) {
            violations.add(new FieldViolation("n", "only n = 1 is supported by this version of Ember"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return texts;
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    return null;
                }
                text.append(part.get("text").asText());
            }
            return text.toString();
        }
        return null;
    }
}
