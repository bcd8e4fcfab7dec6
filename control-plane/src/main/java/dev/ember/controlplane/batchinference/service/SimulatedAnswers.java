package dev.ember.controlplane.batchinference.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answer rows a batch inference job writes: for each input row (a conversation, a prompt, or a batch request
 * {@code {"custom_id", "body"}}), an output row {@code {"custom_id", "response": {chat completion}}} as Fireworks'
 * batch results have them. The text is simulated: deterministic filler (for the job and the row), of a length drawn
 * below {@code maxTokens}; the rows are not run through a serving engine (see ADR 20). Tokens are counted at one per
 * word of the answer and one per four characters of the prompt.
 */
final class SimulatedAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"the", "model", "answers", "this", "request", "with", "a", "simulated",
            "reply", "of", "plausible", "length", "and", "steady", "pace", "for", "each", "row", "in", "batch"};
    private static final int MIN_WORDS = 8;
    private static final int MAX_WORDS = 120;

    private final String model;
    private final long seed;
    private final int maxTokens;
    private final int n;
    long rows;
    long inputTokens;
    long outputTokens;

    SimulatedAnswers(String model, String jobUid, int maxTokens, int n) {
        this.model = model;
        this.seed = jobUid.hashCode();
        this.maxTokens = maxTokens;
        this.n = n;
    }

    /** The output row for input line {@code number}, or null for a blank line. */
    String answer(long number, String line) {
        if (line.isBlank()) {
            return null;
        }
        JsonNode in;
        try {
            in = JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException("input line " + number + " is not JSON, though it was validated", e);
        }
        String customId = in.hasNonNull("custom_id") ? in.get("custom_id").asText() : "row-" + number;
        JsonNode request = in.has("body") ? in.get("body") : in;
        int prompt = (request.toString().length() + 3) / 4;
        SplittableRandom random = new SplittableRandom(seed * 31 + number);
        ArrayNode choices = JSON.createArrayNode();
        int generated = 0;
        for (int i = 0; i < n; i++) {
            int words = Math.min(maxTokens, MIN_WORDS + random.nextInt(MAX_WORDS - MIN_WORDS));
            List<String> text = new ArrayList<>(words);
            for (int w = 0; w < words; w++) {
                text.add(WORDS[random.nextInt(WORDS.length)]);
            }
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            if (request.has("messages")) {
                choice.putObject("message").put("role", "assistant").put("content", String.join(" ", text) + ".");
            } else {
                choice.put("text", " " + String.join(" ", text) + ".");
            }
            choice.put("finish_reason", words == maxTokens ? "length" : "stop");
            generated += words;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("custom_id", customId);
        ObjectNode response = out.putObject("response");
        response.put("object", request.has("messages") ? "chat.completion" : "text_completion");
        response.put("model", model);
        response.set("choices", choices);
        response.set("usage", JSON.valueToTree(Map.of("prompt_tokens", prompt, "completion_tokens", generated,
                "total_tokens", prompt + generated)));
        rows++;
        inputTokens += prompt;
        outputTokens += generated;
        return out.toString();
    }
}
