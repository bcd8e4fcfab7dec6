package dev.ember.dataplane.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /inference/v1/completions} (the legacy text completions), OpenAI field names. */
public record CompletionRequest(
        String model,
        /* A string or a list of strings: each prompt has its own n choices. */
        JsonNode prompt,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        Long seed,
        String user,
        Integer n,
        JsonNode stop,
        JsonNode logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        Boolean echo,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        @JsonProperty("context_length_exceeded_behavior") String contextLengthExceededBehavior,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions) implements GenerationRequest {
}
