package dev.ember.controlplane.dataset.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;

/**
 * Checks a dataset's JSONL one line at a time, as Fireworks accepts it: every non-blank line one JSON object, either
 * a conversation ({@code {"messages": [{"role": "user", "content": "..."}, {"role": "assistant", ...}]}}, format
 * CHAT) or a prompt and its completion ({@code {"prompt": "...", "completion": "..."}}, format COMPLETION). Examples
 * without an answer (no assistant message, no completion) are valid batch inference input; a dataset with any such
 * example is not {@code trainable}. The first
 * example decides the format unless the dataset declared one; every line must then have it. A line may also be a
 * batch request, {@code {"custom_id": "...", "body": {<an example>}}}, as batch inference input files are. A bad line becomes a
 * violation named {@code <file>:<line>}; after {@value #MAX_VIOLATIONS} the rest are not reported.
 */
public final class DatasetLines {

    public static final String CHAT = "CHAT";
    public static final String COMPLETION = "COMPLETION";
    public static final String UNSPECIFIED = "FORMAT_UNSPECIFIED";
    static final int MAX_VIOLATIONS = 10;
    static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");
    /** Tokens are estimated at about four characters each, as the usual rule of thumb for English text. */
    static final int CHARS_PER_TOKEN = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private String format;
    private long examples;
    private long characters;
    private long turns;
    /** Examples without an answer to learn from (no assistant message, no completion): batch inference input. */
    private long unanswered;
    private int skipped;
    private final List<FieldViolation> violations = new ArrayList<>();

    /** {@code declaredFormat}: CHAT or COMPLETION to enforce, or FORMAT_UNSPECIFIED to take the first line's. */
    public DatasetLines(String file, String declaredFormat) {
        this.file = file;
        this.format = UNSPECIFIED.equals(declaredFormat) ? null : declaredFormat;
    }

    /** What the whole file held. */
    /** {@code trainable}: every example has an answer to learn from, so the dataset can fine-tune a model. */
    public record Summary(String format, long examples, long estimatedTokens, double averageTurns,
            boolean trainable) {
    }

    /** Checks line {@code number} (from 1). */
    public void line(long number, String text) {
        if (text.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            bad(number, "is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (node == null || !node.isObject()) {
            bad(number, "must be a JSON object, one example per line");
            return;
        }
        if (node.has("body")) {
            JsonNode customId = node.get("custom_id");
            if (customId != null && !customId.isTextual()) {
                bad(number, "\"custom_id\" must be a string");
                return;
            }
            node = node.get("body");
            if (!node.isObject()) {
                bad(number, "\"body\" must be a JSON object: the request, with \"messages\" or \"prompt\"");
                return;
            }
        }
        String lineFormat = node.has("messages")
                ? CHAT
                : node.has("prompt") || node.has("completion") ? COMPLETION : null;
        if (lineFormat == null) {
            bad(number, "has neither \"messages\" (a conversation) nor \"prompt\" and \"completion\"");
            return;
        }
        if (format == null) {
            format = lineFormat;
        } else if (!format.equals(lineFormat)) {
            bad(number, "is a " + lineFormat + " example, but the dataset is " + format
                    + (examples == 0 ? " (its declared format)" : " (as its first example)")
                    + "; every line must have the same format");
            return;
        }
        String problem = CHAT.equals(lineFormat) ? chat(node) : completion(node);
        if (problem != null) {
            bad(number, problem);
            return;
        }
        examples++;
    }

    /** Why the file as a whole is not a dataset (empty); null when it is fine. */
    public String emptyProblem() {
        return examples == 0 && violations.isEmpty() ? "has no examples: every line must be one JSON example" : null;
    }

    public List<FieldViolation> violations() {
        List<FieldViolation> all = new ArrayList<>(violations);
        if (skipped > 0) {
            all.add(new FieldViolation(file, skipped + " more bad line(s) not listed"));
        }
        String empty = emptyProblem();
        if (empty != null) {
            all.add(new FieldViolation(file, empty));
        }
        return all;
    }

    public Summary summary() {
        return new Summary(format == null ? UNSPECIFIED : format, examples,
                (characters + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN,
                examples == 0 ? 0 : (double) turns / examples, unanswered == 0);
    }

    private String chat(JsonNode node) {
        JsonNode messages = node.get("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return "\"messages\" must be a non-empty array of {\"role\", \"content\"} objects";
        }
        boolean assistant = false;
        long chars = 0;
        int users = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                return at + " must be an object with \"role\" and \"content\"";
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                return at + ".role must be one of system, user, assistant, tool; got " + (role == null
                        ? "nothing"
                        : role.toString());
            }
            JsonNode content = m.get("content");
            boolean toolCalls = m.has("tool_calls") && m.get("tool_calls").isArray();
            if (content == null || content.isNull()) {
                if (!("assistant".equals(role.asText()) && toolCalls)) {
                    return at + ".content is missing (only an assistant message with tool_calls may omit it)";
                }
            } else if (content.isTextual()) {
                chars += content.asText().length();
            } else if (content.isArray()) {
                chars += content.toString().length();
            } else {
                return at + ".content must be a string (or an array of content parts)";
            }
            assistant |= "assistant".equals(role.asText());
            if ("user".equals(role.asText())) {
                users++;
            }
        }
        if (!assistant) {
            unanswered++;
        }
        characters += chars;
        turns += Math.max(users, 1);
        return null;
    }

    private String completion(JsonNode node) {
        JsonNode prompt = node.get("prompt");
        JsonNode completion = node.get("completion");
        if (prompt == null || !prompt.isTextual()) {
            return "\"prompt\" must be a string";
        }
        if (completion == null) {
            unanswered++;
        } else if (!completion.isTextual()) {
            return "\"completion\" must be a string";
        }
        characters += prompt.asText().length() + (completion == null ? 0 : completion.asText().length());
        turns++;
        return null;
    }

    private void bad(long number, String why) {
        if (violations.size() >= MAX_VIOLATIONS) {
            skipped++;
            return;
        }
        violations.add(new FieldViolation(file + ":" + number, "line " + number + " " + why));
    }
}
