package dev.ember.dataplane.openai;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.dataplane.engine.JsonSchemas;
import dev.ember.dataplane.engine.Logprobs;
import dev.ember.dataplane.engine.TextGenerator;
import dev.ember.dataplane.engine.Tokenizer;

/**
 * What one choice says, drawn whole from its seed before its first token is paced.
 *
 * @param tokens each generated token as the client sees it: a token inside or after a stop sequence is empty (it was
 *        generated, and is paced and counted, but not shown)
 * @param logprobs each token's position when log probabilities were asked for (null for an empty token), else null
 * @param finishReason {@code stop}, {@code length} or {@code tool_calls}
 * @param toolCall the function called, whose arguments are the tokens; null for content
 */
public record Reply(List<String> tokens, List<Logprobs.Position> logprobs, String finishReason, ToolCall toolCall) {

    /** A call of one of the request's functions. */
    public record ToolCall(String id, String name) {
    }

    /** The shown text: the content, or the arguments of a tool call. */
    public String text() {
        return String.join("", tokens);
    }

    /** Prose, or a JSON value under a JSON response format; cut at the first stop sequence. */
    static Reply content(Sampling sampling, long seed, int maxTokens) {
        return content(sampling, seed, maxTokens, "");
    }

    /** The same, with {@code lead} (a space continuing a text) before the first word of prose. */
    static Reply content(Sampling sampling, long seed, int maxTokens, String lead) {
        if (sampling.schema() == null) {
            TextGenerator.Generation prose = TextGenerator.generate(seed, maxTokens);
            List<String> tokens = new ArrayList<>(prose.tokens());
            tokens.set(0, lead + tokens.get(0));
            return stopped(tokens, prose.finished(), sampling, seed);
        }
        List<String> json = Tokenizer.split(value(sampling.schema(), sampling.schemaParam(), new Random(seed)));
        boolean complete = json.size() <= maxTokens;
        return stopped(complete ? json : json.subList(0, maxTokens), complete, sampling, seed);
    }

    /**
     * A call of {@code function} with arguments valid against {@code parameters} ({@code {}} without them), cut at
     * max tokens like any reply. Stop sequences apply to content only, never to a call's arguments.
     */
    static Reply toolCall(String function, JsonNode parameters, String param, long seed, int maxTokens) {
        Random random = new Random(seed);
        byte[] id = new byte[12];
        random.nextBytes(id);
        String arguments = parameters == null || parameters.isNull() ? "{}" : value(parameters, param, random);
        List<String> tokens = Tokenizer.split(arguments);
        boolean complete = tokens.size() <= maxTokens;
        return new Reply(List.copyOf(complete ? tokens : tokens.subList(0, maxTokens)), null,
                complete ? "tool_calls" : "length", new ToolCall("call_" + HexFormat.of().formatHex(id), function));
    }

    private static String value(JsonNode schema, String param, Random random) {
        try {
            return JsonSchemas.generate(schema, random).toString();
        } catch (JsonSchemas.SchemaException e) {
            throw InvalidArgumentException.field(param, e.getMessage());
        }
    }

    /**
     * Ends the text where the first stop sequence to be completed starts: the tokens up to the one completing it are
     * generated, the text from the stop sequence on is not shown.
     */
    private static Reply stopped(List<String> tokens, boolean complete, Sampling sampling, long seed) {
        String text = String.join("", tokens);
        int cut = -1;
        int end = Integer.MAX_VALUE;
        for (String stop : sampling.stops()) {
            int at = text.indexOf(stop);
            if (at >= 0 && (at + stop.length() < end || (at + stop.length() == end && at < cut))) {
                cut = at;
                end = at + stop.length();
            }
        }
        String finish = complete ? "stop" : "length";
        if (cut >= 0) {
            List<String> shown = new ArrayList<>();
            int offset = 0;
            for (String token : tokens) {
                if (offset >= end) {
                    break;
                }
                shown.add(token.substring(0, Math.max(0, Math.min(token.length(), cut - offset))));
                offset += token.length();
            }
            tokens = shown;
            finish = "stop";
        }
        return new Reply(List.copyOf(tokens), logprobs(tokens, sampling.topLogprobs(), seed), finish, null);
    }

    /** Each shown token's log probability and alternatives, from a stream of its own so the text does not change. */
    static List<Logprobs.Position> logprobs(List<String> tokens, int top, long seed) {
        if (top < 0) {
            return null;
        }
        Random random = new Random(seed ^ 0x5DEECE66DL);
        return Arrays.asList(tokens.stream().map(t -> t.isEmpty() ? null : Logprobs.draw(random, t, top))
                .toArray(Logprobs.Position[]::new));
    }
}
