package dev.ember.dataplane.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.ember.dataplane.engine.Logprobs.Position;

/** An OpenAI {@code chat.completion} object. */
public record ChatCompletion(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        Usage usage) {

    /** {@code logprobs} is null unless asked for, as in OpenAI's responses. */
    public record Choice(int index, Message message, Logprobs logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /** {@code content} is null when the model called a tool; {@code tool_calls} appears only then. */
    public record Message(String role, String content,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tool_calls") List<ToolCall> toolCalls) {
    }

    public record ToolCall(String id, String type, Function function) {
    }

    /** {@code arguments} is a JSON object in a string, as OpenAI sends it. */
    public record Function(String name, String arguments) {
    }

    public record Usage(
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens) {
    }

    /** OpenAI's chat log probabilities: one entry per content token. */
    public record Logprobs(List<Token> content) {

        /** The entries of the shown tokens among {@code positions} (null when log probabilities were not asked for). */
        static Logprobs of(List<Position> positions) {
            if (positions == null) {
                return null;
            }
            List<Token> content = new ArrayList<>();
            for (var position : positions) {
                if (position != null) {
                    content.add(Token.of(position));
                }
            }
            return new Logprobs(content);
        }
    }

    /** One token: itself, its log probability, its UTF-8 bytes, and the most likely tokens at its position. */
    public record Token(String token, double logprob, List<Integer> bytes,
            @JsonProperty("top_logprobs") List<TopToken> topLogprobs) {

        static Token of(Position position) {
            return new Token(position.token(), position.logprob(), utf8(position.token()),
                    position.top().stream().map(c -> new TopToken(c.token(), c.logprob(), utf8(c.token())))
                            .toList());
        }
    }

    public record TopToken(String token, double logprob, List<Integer> bytes) {
    }

    static List<Integer> utf8(String token) {
        List<Integer> bytes = new ArrayList<>();
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return bytes;
    }
}
