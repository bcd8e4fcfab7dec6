package dev.ember.dataplane.openai;

import java.io.IOException;
import java.time.Duration;

/**
 * A prepared request delivered as chunks while the engine produces them, to a {@link ChunkSink}: server-sent events on
 * HTTP, the messages of a gRPC stream. Subclasses say what the chunks are.
 */
abstract class EventStream implements InferenceService.TokenSink {

    protected final InferenceService.Prepared prepared;
    private final InferenceService inference;
    private ChunkSink sink;

    EventStream(InferenceService.Prepared prepared, InferenceService inference) {
        this.prepared = prepared;
        this.inference = inference;
    }

    /** Delivers the chunks to {@code to} at the engine's pace; completes with how long the first token took. */
    InferenceService.Generation<Duration> deliver(ChunkSink to) {
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
