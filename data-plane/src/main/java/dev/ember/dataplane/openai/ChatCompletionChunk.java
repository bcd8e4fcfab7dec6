package dev.ember.dataplane.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One server-sent event of a streamed chat completion: an OpenAI {@code chat.completion.chunk}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        ChatCompletion.Usage usage) {

    public static final String OBJECT = "chat.completion.chunk";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Choice(
            int index,
            Delta delta,
            ChatCompletion.Logprobs logprobs,
            @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, @JsonProperty("tool_calls") List<ToolCallDelta> toolCalls) {
    }

    /**
     * A piece of a tool call, as OpenAI streams it: the first carries the call's id, type and function name, the
     * next ones only further pieces of its arguments.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCallDelta(int index, String id, String type, FunctionDelta function) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionDelta(String name, String arguments) {
    }
}
