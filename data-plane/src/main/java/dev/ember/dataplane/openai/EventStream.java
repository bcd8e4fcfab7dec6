package dev.ember.dataplane.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.StreamingOutput;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A prepared request delivered as server-sent events while the engine produces it: one JSON chunk per event, each
 * flushed as it is written, and {@code data: [DONE]} after the last. Subclasses say what the chunks are.
 */
abstract class EventStream implements StreamingOutput, InferenceService.TokenSink {

    protected final InferenceService.Prepared prepared;
    private final InferenceService inference;
    private final ObjectMapper json;
    private OutputStream out;

    EventStream(InferenceService.Prepared prepared, InferenceService inference, ObjectMapper json) {
        this.prepared = prepared;
        this.inference = inference;
        this.json = json;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        this.out = out;
        inference.run(prepared, this);
    }

    protected void send(Object chunk) throws IOException {
        out.write(("data: " + json.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends the stream; called after the last choice's last chunk. */
    protected void done() throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
