package dev.ember.dataplane.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parameters {@code /chat/completions} and {@code /completions} share, with OpenAI's and Fireworks' field names:
 * how much to generate, how to sample, when to stop, in what format, and what to do when the prompt and the reply do
 * not fit the context. {@link Sampling} checks them; docs/inference-api.md says what each does.
 */
public interface GenerationRequest {

    String model();

    Integer maxTokens();

    Integer maxCompletionTokens();

    Double temperature();

    Double topP();

    Integer topK();

    Double frequencyPenalty();

    Double presencePenalty();

    Integer n();

    /** A string or a list of up to 4 strings. */
    JsonNode stop();

    Long seed();

    String user();

    /** {@code true}/{@code false}, or an integer: how many alternatives to list at each position. */
    JsonNode logprobs();

    Integer topLogprobs();

    ResponseFormat responseFormat();

    String contextLengthExceededBehavior();

    Boolean stream();

    StreamOptions streamOptions();

    /** Accepted for OpenAI compatibility: the last chunk of a stream always carries usage. */
    record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    /**
     * {@code {"type": "text"}}, {@code {"type": "json_object"}} (with an optional Fireworks {@code schema}), or
     * {@code {"type": "json_schema", "json_schema": {"name": ..., "schema": {...}, "strict": ...}}}.
     */
    record ResponseFormat(String type, JsonNode schema, @JsonProperty("json_schema") JsonNode jsonSchema,
            String grammar) {
    }
}
