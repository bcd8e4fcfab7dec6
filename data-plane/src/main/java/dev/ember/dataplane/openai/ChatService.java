package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.dataplane.routing.KeyCache;

/**
 * Chat completions: the messages (and the tools offered) make one prompt through the chat template; each choice's
 * reply is text, JSON under a JSON response format, or a call of one of the tools.
 */
@ApplicationScoped
public class ChatService {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    @Inject
    InferenceService inference;

    @Inject
    ObjectMapper json;

    /** Validates, then prepares the request on a replica with every choice's reply drawn. */
    public InferenceService.Prepared prepare(KeyCache.Key caller, ChatCompletionRequest request) {
        return prepare(caller, request, InferenceService.Routing.NONE);
    }

    /** As {@link #prepare(KeyCache.Key, ChatCompletionRequest)}, routed as the request's headers ask. */
    public InferenceService.Prepared prepare(KeyCache.Key caller, ChatCompletionRequest request,
            InferenceService.Routing routing) {
        List<FieldViolation> violations = new ArrayList<>();
        List<String> texts = messages(request, violations);
        Sampling sampling = Sampling.of(request, violations);
        Tools tools = Tools.of(request, violations);
        if (request.promptTruncateLen() != null && request.promptTruncateLen() < 1) {
            violations.add(new FieldViolation("prompt_truncate_len", "must be at least 1"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        String lastRole = request.messages().get(request.messages().size() - 1).role();
        InferenceService.Prompt prompt = prompt(texts, request, tools);
        return inference.prepare(caller, request, sampling, List.of(prompt), "chatcmpl-", (p, seed, maxTokens) -> {
            int call = tools.call(lastRole, seed);
            if (call < 0) {
                return Reply.content(sampling, seed, maxTokens);
            }
            ChatCompletionRequest.Function function = tools.functions().get(call);
            return Reply.toolCall(function.name(), function.parameters(),
                    "tools[" + call + "].function.parameters", seed, maxTokens);
        }, routing);
    }

    /** The whole reply as one {@code chat.completion}, returned when the engine has generated all of it. */
    public InferenceService.Generation<InferenceService.Completed> complete(InferenceService.Prepared p) {
        return inference.run(p, InferenceService.TokenSink.NONE).map(ttft -> {
            List<ChatCompletion.Choice> choices = p.choices().stream()
                    .map(c -> new ChatCompletion.Choice(c.index(), message(c.reply()),
                            ChatCompletion.Logprobs.of(c.reply().logprobs()), c.reply().finishReason()))
                    .toList();
            return new InferenceService.Completed(new ChatCompletion(p.id(), "chat.completion", p.created(),
                    p.request().model(), choices, p.usage()), ttft);
        });
    }

    private static ChatCompletion.Message message(Reply reply) {
        if (reply.toolCall() == null) {
            return new ChatCompletion.Message("assistant", reply.text(), null);
        }
        return new ChatCompletion.Message("assistant", null, List.of(new ChatCompletion.ToolCall(
                reply.toolCall().id(), "function", new ChatCompletion.Function(reply.toolCall().name(),
                        reply.text()))));
    }

    /** The reply as chunks to {@code sink} at the engine's pace; completes with how long the first token took. */
    public InferenceService.Generation<Duration> stream(InferenceService.Prepared p, ChunkSink sink) {
        return new ChatStream(p, inference).deliver(sink);
    }

    /**
     * The prompt through the chat template: each message (its text and tool calls) and its template tokens, the tool
     * definitions as a system message, and the primer of the reply. With {@code prompt_truncate_len}, the oldest
     * messages other than system messages are left out (never the last one) until the prompt fits it.
     */
    private InferenceService.Prompt prompt(List<String> texts, ChatCompletionRequest request, Tools tools) {
        List<Integer> lengths = new ArrayList<>();
        int tokens = Tokenizer.REPLY_PRIMER;
        if (!tools.functions().isEmpty()) {
            tokens += Tokenizer.count(json.valueToTree(tools.functions()).toString()) + Tokenizer.PER_MESSAGE;
        }
        for (int i = 0; i < texts.size(); i++) {
            JsonNode calls = request.messages().get(i).toolCalls();
            lengths.add(Tokenizer.count(texts.get(i)) + Tokenizer.PER_MESSAGE
                    + (calls == null || calls.isNull() ? 0 : Tokenizer.count(calls.toString())));
            tokens += lengths.get(i);
        }
        List<String> kept = new ArrayList<>(texts);
        Integer limit = request.promptTruncateLen();
        for (int i = 0; limit != null && tokens > limit && i < texts.size() - 1; i++) {
            if (!"system".equals(request.messages().get(i).role())) {
                tokens -= lengths.get(i);
                kept.set(i, null);
            }
        }
        kept.removeIf(t -> t == null);
        return new InferenceService.Prompt(String.join("\n", kept), tokens, "messages");
    }

    /** Checks the messages and returns the text of each. */
    private static List<String> messages(ChatCompletionRequest request, List<FieldViolation> violations) {
        List<String> texts = new ArrayList<>();
        if (request.messages() == null || request.messages().isEmpty()) {
            violations.add(new FieldViolation("messages", "at least one message is required"));
            return texts;
        }
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
            } else if (m.toolCalls() != null && !m.toolCalls().isNull()
                    && !(m.role().equals("assistant") && m.toolCalls().isArray())) {
                violations.add(new FieldViolation("messages[" + i + "].tool_calls",
                        "only an assistant message has tool calls, as a list"));
            } else {
                texts.add(text);
            }
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
