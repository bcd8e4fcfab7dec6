package dev.ember.dataplane.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

/**
 * Reads an upstream's server-sent events as they pass through, without holding them: counts the chunks, and takes
 * the usage and finish reason from the chunks that carry them (the only ones parsed as JSON). Pieces of the stream
 * may split an event anywhere; only the unfinished tail of the last event is kept.
 */
final class StreamScanner {

    private final ObjectMapper json;
    /** The unfinished end of the last piece; null when it ended on an event's end (and before any piece). */
    private Buffer tail;
    private int chunks;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private String finishReason;
    private boolean done;

    StreamScanner(ObjectMapper json) {
        this.json = json;
    }

    /** Reads a piece of the stream; returns how many chunks (events other than {@code [DONE]}) it completed. */
    int feed(Buffer piece) {
        Buffer data = tail == null ? piece : tail.appendBuffer(piece);
        int before = chunks;
        int start = 0;
        int length = data.length();
        for (int i = 0; i + 1 < length; i++) {
            if (data.getByte(i) != '\n') {
                continue;
            }
            int next = data.getByte(i + 1) == '\r' && i + 2 < length ? i + 2 : i + 1;
            if (data.getByte(next) == '\n') {
                event(data.getString(start, i, StandardCharsets.UTF_8.name()));
                start = next + 1;
                i = next;
            }
        }
        tail = start == length ? null : data.getBuffer(start, length);
        return chunks - before;
    }

    private void event(String event) {
        for (String line : event.split("\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String payload = line.substring("data:".length()).strip();
            if (payload.equals("[DONE]")) {
                done = true;
                continue;
            }
            chunks++;
            if (payload.contains("\"usage\"") || payload.contains("\"finish_reason\":\"")
                    || payload.contains("\"finish_reason\": \"")) {
                read(payload);
            }
        }
    }

    private void read(String payload) {
        try {
            JsonNode chunk = json.readTree(payload);
            JsonNode usage = chunk.path("usage");
            if (usage.isObject()) {
                promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                completionTokens = usage.path("completion_tokens").asInt(completionTokens);
            }
            for (JsonNode choice : chunk.path("choices")) {
                if (choice.path("finish_reason").isTextual()) {
                    finishReason = choice.path("finish_reason").asText();
                }
            }
        } catch (IOException e) {
            // not JSON: passed through all the same; the upstream's client would see it as it is
        }
    }

    /** Chunks seen so far: one per token on vLLM and most servers, the stand-in when no usage came. */
    int chunks() {
        return chunks;
    }

    /** The upstream's prompt tokens, or -1 when its stream carried no usage (yet). */
    int promptTokens() {
        return promptTokens;
    }

    /** The upstream's completion tokens, or -1 when its stream carried no usage (yet). */
    int completionTokens() {
        return completionTokens;
    }

    String finishReason() {
        return finishReason;
    }

    /** Whether {@code data: [DONE]} has passed. */
    boolean done() {
        return done;
    }
}
