package dev.ember.dataplane.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.dataplane.messaging.LoadReporter;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.metrics.InferenceMetrics;

/**
 * Writes a prepared reply as server-sent events: a first chunk with the role, one chunk per token, a last chunk
 * with the finish reason and usage, then {@code data: [DONE]}. Each event is flushed as it is written.
 */
final class ChatStream implements StreamingOutput {

    private final ChatService.Prepared prepared;
    private final ObjectMapper json;
    private final LoadReporter load;
    private final UsageReporter usage;
    private final InferenceMetrics metrics;

    ChatStream(ChatService.Prepared prepared, ObjectMapper json, LoadReporter load, UsageReporter usage,
            InferenceMetrics metrics) {
        this.prepared = prepared;
        this.json = json;
        this.load = load;
        this.usage = usage;
        this.metrics = metrics;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        LoadReporter.Tracked tracked = load.begin(prepared.deployment(), prepared.promptTokens());
        InferenceMetrics.Request timing = prepared.timing(metrics);
        String finished = null;
        int sent = 0;
        List<String> tokens = prepared.generation().tokens();
        try (AutoCloseable inFlight = prepared.replica().acquire();
                Pacing pacing = new Pacing(prepared.engine(), prepared.promptTokens(), tokens.size())) {
            send(out, chunk(new ChatCompletionChunk.Delta("assistant", ""), null, null));
            for (String token : tokens) {
                if (sent == 0) {
                    pacing.firstToken();
                } else {
                    pacing.nextToken();
                }
                send(out, chunk(new ChatCompletionChunk.Delta(null, token), null, null));
                if (sent == 0) {
                    timing.firstToken();
                } else {
                    timing.nextToken();
                }
                sent++;
            }
            send(out, chunk(new ChatCompletionChunk.Delta(null, null), prepared.finishReason(), prepared.usage()));
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            finished = prepared.finishReason();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            tracked.finish(sent);
            timing.finish(prepared.promptTokens(), sent, finished);
            // A stream the client left early is billed for the tokens it was sent.
            usage.record(prepared.usageKey(), prepared.promptTokens(), sent);
        }
    }

    private ChatCompletionChunk chunk(ChatCompletionChunk.Delta delta, String finishReason,
            ChatCompletion.Usage usage) {
        return new ChatCompletionChunk(prepared.id(), ChatCompletionChunk.OBJECT, prepared.created(),
                prepared.request().model(), List.of(new ChatCompletionChunk.Choice(0, delta, finishReason)), usage);
    }

    private void send(OutputStream out, ChatCompletionChunk chunk) throws IOException {
        out.write(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
