package dev.ember.dataplane.openai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ember.dataplane.engine.Logprobs;

/**
 * An OpenAI {@code text_completion} object: the response of {@code /completions}, and each event of its stream
 * (where only the last one carries usage).
 */
public record TextCompletion(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.Usage usage) {

    public static final String OBJECT = "text_completion";

    /** {@code logprobs} is null unless asked for; {@code finish_reason} is null in a stream until the choice ends. */
    public record Choice(int index, String text, LegacyLogprobs logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * The legacy log probabilities, in parallel lists: each token, its log probability, a map of the most likely
     * tokens at its position (the token itself among them) to theirs, and its character offset in the choice's text. The first token of an echoed
     * prompt has neither (null), as nothing comes before it.
     */
    public record LegacyLogprobs(
            List<String> tokens,
            @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
            @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
            @JsonProperty("text_offset") List<Integer> textOffset) {

        /**
         * The entries of the shown tokens among {@code positions}, the first at character {@code offset}; with
         * {@code unconditioned}, the very first has no log probability.
         */
        static LegacyLogprobs of(List<Logprobs.Position> positions, int offset, boolean unconditioned) {
            List<String> tokens = new ArrayList<>();
            List<Double> logprobs = new ArrayList<>();
            List<Map<String, Double>> top = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            for (Logprobs.Position position : positions) {
                if (position == null) {
                    continue;
                }
                boolean first = unconditioned && tokens.isEmpty();
                tokens.add(position.token());
                logprobs.add(first ? null : position.logprob());
                // The sampled token is always listed, so logprobs 0 still gives it (Fireworks: "up to logprobs+1").
                Map<String, Double> alternatives = new LinkedHashMap<>();
                alternatives.put(position.token(), position.logprob());
                position.top().forEach(c -> alternatives.putIfAbsent(c.token(), c.logprob()));
                top.add(first ? null : alternatives);
                offsets.add(offset);
                offset += position.token().length();
            }
            return new LegacyLogprobs(tokens, logprobs, top, offsets);
        }
    }
}
