package dev.ember.controlplane.blob;

import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Where uploaded files live, by key ({@code accounts/a/models/m/<uid>/config.json}). Writes are staged: nothing is
 * visible under a key until {@link BlobUpload#commit()}, which replaces any object already there at once, so a
 * reader never sees half a file. Keys are relative paths of segments of letters, digits, '.', '_' and '-'.
 */
public interface BlobStore {

    /** Starts writing the object {@code key}. */
    Uni<BlobUpload> create(String key);

    /** The size of the object, or empty when there is none. */
    Uni<Optional<Long>> size(String key);

    /** The whole object, which must exist and be at most {@code maxBytes} long (for small files like configs). */
    Uni<Buffer> read(String key, long maxBytes);

    /**
     * The object as a stream of chunks, for files too large to hold at once (a dataset to check line by line, a
     * download). The stream is paused: set its handlers, then resume it (or pipe it).
     */
    Uni<ReadStream<Buffer>> open(String key);

    /** Deletes every object whose key starts with {@code prefix + "/"}. */
    Uni<Void> deleteAll(String prefix);
}
