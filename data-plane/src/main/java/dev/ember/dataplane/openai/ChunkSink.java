package dev.ember.dataplane.openai;

import java.io.IOException;

/**
 * Where a streamed reply's chunks go as the engine produces them: server-sent events on HTTP, messages of a gRPC
 * stream. A chunk is a {@link ChatCompletionChunk} or a {@link TextCompletion}; throwing ends the generation (a
 * client that left), and what was delivered so far is billed.
 */
public interface ChunkSink {

    void chunk(Object chunk) throws IOException;

    /** After the last choice's last chunk. */
    default void done() throws IOException {
    }
}
