package dev.ember.controlplane.blob;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/** One object being written: chunks in order, then exactly one of commit or abort. */
public interface BlobUpload {

    /** Appends a chunk; the returned Uni completes when the store took it (for back-pressure). */
    Uni<Void> write(Buffer chunk);

    /** Makes everything written visible under the key, replacing what was there. */
    Uni<Void> commit();

    /** Discards everything written; the key keeps what it had. Safe to call more than once and after commit. */
    Uni<Void> abort();
}
