package dev.ember.dataplane.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        Long seed,
        String user,
        Integer n,
        JsonNode stop,
        JsonNode logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        @JsonProperty("response_format") ResponseFormat responseFormat,
        List<Tool> tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        @JsonProperty("context_length_exceeded_behavior") String contextLengthExceededBehavior,
        @JsonProperty("prompt_truncate_len") Integer promptTruncateLen,
        Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions) implements GenerationRequest {

    /**
     * A chat message; {@code content} is a string or a list of {@code {"type": "text", "text": ...}} parts, and may be
     * null on an assistant message that called tools. The fields a client sends back with an assistant message it
     * received are accepted and not used: OpenAI's ({@code refusal}, {@code audio}, {@code function_call},
     * {@code annotations}), Fireworks' {@code reasoning_content}, and {@code parsed}, which the OpenAI SDK's
     * {@code runTools} and {@code parse} add. Other unknown fields are refused as everywhere.
     */
    @JsonIgnoreProperties({"refusal", "audio", "function_call", "annotations", "reasoning_content", "parsed"})
    public record Message(String role, JsonNode content, String name,
            @JsonProperty("tool_calls") JsonNode toolCalls,
            @JsonProperty("tool_call_id") String toolCallId) {
    }

    /** {@code {"type": "function", "function": {...}}}: a function the model may call. */
    public record Tool(String type, Function function) {
    }

    /** A callable function: its name, what it does, and its arguments as a JSON Schema object. */
    public record Function(String name, String description, JsonNode parameters, Boolean strict) {
    }
}
