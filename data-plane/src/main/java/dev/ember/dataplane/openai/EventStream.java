package dev.ember.dataplane.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A prepared request delivered as chunks while the engine produces them: on HTTP as server-sent events, one JSON
 * chunk per event, each flushed as it is written, and {@code data: [DONE]} after the last; or to any
 * {@link ChunkSink}. Subclasses say what the chunks are.
 */
abstract class EventStream implements StreamingOutput, InferenceService.TokenSink {

    protected final InferenceService.Prepared prepared;
    private final InferenceService inference;
    private final ObjectMapper json;
    private ChunkSink sink;

    EventStream(InferenceService.Prepared prepared, InferenceService inference, ObjectMapper json) {
        this.prepared = prepared;
        this.inference = inference;
        this.json = json;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        deliver(new ChunkSink() {

            @Override
            public void chunk(Object chunk) throws IOException {
                out.write(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }

            @Override
            public void done() throws IOException {
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        });
    }

    /** Delivers the chunks to {@code to} at the engine's pace; returns how long the first token took. */
    Duration deliver(ChunkSink to) throws IOException {
        this.sink = to;
        return inference.run(prepared, this);
    }

    protected void send(Object chunk) throws IOException {
        sink.chunk(chunk);
    }

    /** Ends the stream; called after the last choice's last chunk. */
    protected void done() throws IOException {
        sink.done();
    }
}
