package dev.ember.controlplane.blob;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;

/**
 * A blob store in a local folder ({@code ember.blob.root}): each object is a file at its key. Uploads are written to
 * {@code .staging/} in the same folder and renamed into place on commit (an atomic move on one file system). All file
 * access goes through Vert.x's non-blocking file system, so streaming never blocks an event loop.
 */
@ApplicationScoped
public class LocalBlobStore implements BlobStore {

    static final String STAGING = ".staging";

    @Inject
    Vertx vertx;

    @Inject
    BlobConfig config;

    @Override
    public Uni<BlobUpload> create(String key) {
        Path target = path(key);
        Path staged = root().resolve(STAGING).resolve(UUID.randomUUID() + ".part");
        FileSystem fs = vertx.fileSystem();
        Future<AsyncFile> opened = fs.mkdirs(staged.getParent().toString())
                .compose(v -> fs.open(staged.toString(), new OpenOptions().setWrite(true).setCreateNew(true)));
        return uni(opened).map(file -> new LocalUpload(fs, file, staged, target));
    }

    @Override
    public Uni<Optional<Long>> size(String key) {
        String path = path(key).toString();
        FileSystem fs = vertx.fileSystem();
        return uni(fs.exists(path)).chain(exists -> exists
                ? uni(fs.props(path)).map(props -> props.isRegularFile() ? Optional.of(props.size()) : Optional.empty())
                : Uni.createFrom().item(Optional.<Long>empty()));
    }

    @Override
    public Uni<Buffer> read(String key, long maxBytes) {
        String path = path(key).toString();
        return uni(vertx.fileSystem().props(path)).chain(props -> {
            if (props.size() > maxBytes) {
                return Uni.createFrom().failure(new IllegalStateException(key + " is " + props.size()
                        + " bytes, more than the " + maxBytes + " that may be read at once"));
            }
            return uni(vertx.fileSystem().readFile(path));
        });
    }

    @Override
    public Uni<ReadStream<Buffer>> open(String key) {
        return uni(vertx.fileSystem().open(path(key).toString(), new OpenOptions().setRead(true).setWrite(false)))
                .map(file -> file.pause());
    }

    @Override
    public Uni<Void> deleteAll(String prefix) {
        String path = path(prefix).toString();
        FileSystem fs = vertx.fileSystem();
        return uni(fs.exists(path)).chain(exists -> exists
                ? uni(fs.deleteRecursive(path, true)).replaceWithVoid()
                : Uni.createFrom().voidItem());
    }

    private Path root() {
        return config.root().toAbsolutePath().normalize();
    }

    /** The file of {@code key}; keys are checked so that none leaves the root. */
    private Path path(String key) {
        String problem = BlobKeys.problem(key);
        if (problem != null) {
            throw new IllegalArgumentException("bad blob key: " + problem);
        }
        return root().resolve(key);
    }

    private static <T> Uni<T> uni(Future<T> future) {
        return Uni.createFrom().completionStage(future.toCompletionStage());
    }

    private static final class LocalUpload implements BlobUpload {

        private final FileSystem fs;
        private final AsyncFile file;
        private final Path staged;
        private final Path target;
        private boolean closed;

        LocalUpload(FileSystem fs, AsyncFile file, Path staged, Path target) {
            this.fs = fs;
            this.file = file;
            this.staged = staged;
            this.target = target;
        }

        @Override
        public Uni<Void> write(Buffer chunk) {
            return uni(file.write(chunk));
        }

        @Override
        public Uni<Void> commit() {
            closed = true;
            return uni(file.close()
                    .compose(v -> fs.mkdirs(target.getParent().toString()))
                    .compose(v -> fs.move(staged.toString(), target.toString(),
                            new CopyOptions().setReplaceExisting(true).setAtomicMove(true))));
        }

        @Override
        public Uni<Void> abort() {
            Future<Void> closing = closed
                    ? Future.succeededFuture()
                    : file.close().recover(e -> Future.succeededFuture());
            closed = true;
            return uni(closing.compose(v -> fs.exists(staged.toString()))
                    .compose(exists -> exists ? fs.delete(staged.toString()) : Future.succeededFuture()));
        }
    }
}
