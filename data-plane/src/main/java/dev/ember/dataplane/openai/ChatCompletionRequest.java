package dev.ember.dataplane.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /inference/v1/chat/completions}, OpenAI field names. */
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Long seed,
        String user,
        Integer n,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions) {

    /** Accepted for OpenAI compatibility: the last chunk of a stream always carries usage. */
    public record StreamOptions(@JsonProperty("include_usage") Boolean includeUsage) {
    }

    /** A chat message; {@code content} is a string or a list of {@code {"type": "text", "text": ...}} parts. */
    public record Message(String role, JsonNode content, String name) {
    }
}
