package dev.ember.controlplane.dataset.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;

import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.name.DatasetName;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.blob.BlobConfig;
import dev.ember.controlplane.blob.BlobKeys;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.blob.BlobUpload;
import dev.ember.controlplane.dataset.api.DatasetUploadRequest;
import dev.ember.controlplane.dataset.api.SignedUrls;
import dev.ember.controlplane.dataset.persistence.DatasetEntity;
import dev.ember.controlplane.dataset.persistence.DatasetRepository;
import dev.ember.controlplane.upload.UploadRoute;
import dev.ember.controlplane.upload.UploadTarget;
import dev.ember.controlplane.upload.UploadToken;
import dev.ember.controlplane.upload.UploadTokens;

/**
 * A dataset's file: {@code :getUploadEndpoint} declares it (one {@code .jsonl} file) and hands out a signed URL,
 * {@code PUT} to that URL stores it ({@link UploadRoute}, shared with models), {@code :validateUpload} reads it line
 * by line ({@link DatasetLines}), counts its examples and makes the dataset READY, and {@code :getDownloadEndpoint}
 * hands out a signed URL to read it back ({@link #DOWNLOAD}). The file is read outside any transaction, so a large
 * one holds no row lock while it is checked; the dataset is then made READY only if it still holds the same file.
 */
@ApplicationScoped
public class DatasetUploads implements UploadTarget {

    static final String TYPE = "dataset";
    /** The token target of signed download URLs; such a token is never accepted for an upload. */
    public static final String DOWNLOAD = "dataset-download";
    public static final String DOWNLOAD_PATH = "/v1/downloads/";
    /** A line longer than this is refused rather than held in memory. */
    static final int MAX_LINE_BYTES = 8 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(DatasetUploads.class);

    @Inject
    DatasetService service;

    @Inject
    DatasetRepository datasets;

    @Inject
    UploadTokens tokens;

    @Inject
    BlobStore blobs;

    @Inject
    BlobConfig config;

    @Inject
    Clock clock;

    /**
     * Declares the dataset's file and returns its signed URL. Calling it again (for a fresh URL, or another file)
     * replaces the declaration; the file must then be uploaded again.
     */
    @WithTransaction
    public Uni<SignedUrls> getUploadEndpoint(Caller caller, DatasetName name, DatasetUploadRequest body,
            String requestBaseUrl) {
        Map.Entry<String, Long> file = declaredFile(body);
        return service.writable(caller, name).map(d -> {
            if (d.isReady()) {
                throw alreadyUploaded(name);
            }
            if (d.sourceJobName != null) {
                throw new FailedPreconditionException("DATASET_WRITTEN_BY_JOB", "dataset '" + name + "' is written by "
                        + d.sourceJobName + "; it takes no upload");
            }
            if (!file.getKey().equals(d.filename) || !file.getValue().equals(d.sizeBytes)) {
                d.filename = file.getKey();
                d.sizeBytes = file.getValue();
                d.sha256 = null;
                d.uploadTime = null;
                d.updateTime = service.now();
            }
            Instant expires = clock.instant().plus(config.uploadUrlTtl());
            String token = tokens.sign(new UploadToken(TYPE, name.toString(), d.uid, d.filename, d.sizeBytes,
                    expires));
            return new SignedUrls(Map.of(d.filename, base(requestBaseUrl) + UploadRoute.PATH.substring(1) + token));
        });
    }

    /**
     * Checks the uploaded file and makes the dataset READY with its counts. The file must have arrived whole; every
     * line must be an example of the dataset's format; problems are 400 with one field violation per bad line
     * ({@code <file>:<line>}). A READY dataset validates again as a no-op, so a retried call succeeds.
     */
    public Uni<Map<String, Object>> validateUpload(Caller caller, DatasetName name) {
        return Panache.withSession(() -> service.readable(caller, name)).chain(d -> {
            caller.requireWrite(name.account());
            if (d.isReady()) {
                return Uni.createFrom().item(Map.<String, Object>of());
            }
            if (d.filename == null) {
                throw InvalidArgumentException.field("filenameToSize", "no file was declared for dataset '" + name
                        + "': call :getUploadEndpoint with its file, PUT it, then :validateUpload");
            }
            if (!d.received()) {
                throw InvalidArgumentException.field(d.filename, "declared with " + d.sizeBytes
                        + " bytes but not uploaded: PUT it to its signed URL");
            }
            String uid = d.uid;
            String sha = d.sha256;
            DatasetLines lines = new DatasetLines(d.filename, d.format);
            return check(blobPrefix(d) + "/" + d.filename, lines)
                    .chain(() -> {
                        List<FieldViolation> v = lines.violations();
                        if (!v.isEmpty()) {
                            throw InvalidArgumentException.fields(v);
                        }
                        return Panache.withTransaction(() -> datasets.findByNameForUpdate(name).invoke(locked -> {
                            if (locked == null || !locked.uid.equals(uid) || !sha.equals(locked.sha256)) {
                                throw new FailedPreconditionException("DATASET_CHANGED", "dataset '" + name
                                        + "' changed while it was validated; call :validateUpload again");
                            }
                            if (!locked.isReady()) {
                                ready(locked, lines.summary());
                            }
                        }));
                    })
                    .replaceWith(Map.<String, Object>of());
        });
    }

    /** A signed URL to read the dataset's file; the dataset must be READY. {@code downloadLineage} is not supported. */
    @WithSession
    public Uni<SignedUrls> getDownloadEndpoint(Caller caller, DatasetName name, boolean lineage,
            String requestBaseUrl) {
        if (lineage) {
            throw InvalidArgumentException.field("downloadLineage", "lineage downloads are not supported: download "
                    + "each dataset of the chain by its name");
        }
        return service.readable(caller, name).map(d -> {
            if (!d.isReady()) {
                throw new FailedPreconditionException("DATASET_NOT_READY", "dataset '" + name + "' is " + d.state
                        + "; it can be downloaded once READY");
            }
            Instant expires = clock.instant().plus(config.uploadUrlTtl());
            String token = tokens.sign(new UploadToken(DOWNLOAD, name.toString(), d.uid, d.filename, d.sizeBytes,
                    expires));
            return new SignedUrls(Map.of(d.filename, base(requestBaseUrl) + DOWNLOAD_PATH.substring(1) + token));
        });
    }

    /** The blob key a download token grants. */
    public static String downloadKey(UploadToken token) {
        return DatasetService.blobPrefix(DatasetName.parse("name", token.resource()), token.uid()) + "/"
                + token.file();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String blobKey(UploadToken token) {
        return downloadKey(token);
    }

    @Override
    @WithSession
    public Uni<Void> check(UploadToken token) {
        return datasets.findByName(DatasetName.parse("name", token.resource()))
                .invoke(d -> expecting(d, token)).replaceWithVoid();
    }

    @Override
    @WithTransaction
    public Uni<Void> complete(UploadToken token, BlobUpload staged, String sha256) {
        return datasets.findByNameForUpdate(DatasetName.parse("name", token.resource()))
                .invoke(d -> expecting(d, token))
                .call(staged::commit)
                .invoke(d -> {
                    d.sha256 = sha256;
                    d.uploadTime = clock.instant();
                    d.updateTime = service.now();
                    LOG.infof("Dataset %s: received %s (%d bytes)", d.name(), token.file(), token.size());
                })
                .replaceWithVoid();
    }

    /** Fails unless the dataset (same uid) still takes uploads and still expects this file at this size. */
    private static void expecting(DatasetEntity d, UploadToken token) {
        if (d == null || !d.uid.equals(token.uid())) {
            throw new NotFoundException("UPLOAD_TARGET_GONE", "dataset '" + token.resource() + "' this upload URL "
                    + "was made for no longer exists");
        }
        if (d.isReady()) {
            throw alreadyUploaded(d.datasetName());
        }
        if (!token.file().equals(d.filename) || d.sizeBytes == null || d.sizeBytes != token.size()) {
            throw new FailedPreconditionException("UPLOAD_URL_OUTDATED", "'" + token.file() + "' is no longer "
                    + "declared with " + token.size() + " bytes for dataset '" + token.resource()
                    + "'; use the URL from the latest :getUploadEndpoint");
        }
    }

    /** Reads the file line by line into {@code lines}. */
    private Uni<Void> check(String key, DatasetLines lines) {
        return blobs.open(key).chain(stream -> Uni.createFrom().<Void>emitter(emitter -> {
            long[] number = {0};
            RecordParser parser = RecordParser.newDelimited("\n", stream).maxRecordSize(MAX_LINE_BYTES);
            parser.handler(line -> {
                number[0]++;
                String text = line.toString(StandardCharsets.UTF_8);
                lines.line(number[0], text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
            });
            parser.exceptionHandler(failure -> {
                if (failure instanceof IllegalStateException) { // the parser's "record too long"
                    emitter.fail(InvalidArgumentException.field(key.substring(key.lastIndexOf('/') + 1) + ":"
                            + (number[0] + 1),
                            "line " + (number[0] + 1) + " is longer than " + MAX_LINE_BYTES
                                    + " bytes"));
                } else {
                    emitter.fail(failure);
                }
            });
            parser.endHandler(v -> emitter.complete(null));
            ((ReadStream<Buffer>) stream).resume();
        }));
    }

    private void ready(DatasetEntity d, DatasetLines.Summary summary) {
        d.state = DatasetEntity.READY;
        d.format = summary.format();
        d.exampleCount = summary.examples();
        d.estimatedTokens = summary.estimatedTokens();
        d.averageTurns = summary.averageTurns();
        d.trainable = summary.trainable();
        d.updateTime = service.now();
        LOG.infof("Dataset %s validated: READY, %d %s examples", d.name(), d.exampleCount, d.format);
    }

    private Map.Entry<String, Long> declaredFile(DatasetUploadRequest body) {
        if (body == null || body.filenameToSize() == null || body.filenameToSize().isEmpty()) {
            throw InvalidArgumentException.field("filenameToSize", "must name the dataset's file and its size in "
                    + "bytes, e.g. {\"train.jsonl\": 1024}");
        }
        if (body.filenameToSize().size() > 1) {
            throw InvalidArgumentException.field("filenameToSize", "a dataset is one JSONL file, got "
                    + body.filenameToSize().size() + " files");
        }
        Map.Entry<String, Long> file = body.filenameToSize().entrySet().iterator().next();
        String field = "filenameToSize[\"" + file.getKey() + "\"]";
        List<FieldViolation> v = new ArrayList<>();
        String problem = BlobKeys.problem(file.getKey());
        long max = config.maxFileSize().asLongValue();
        if (problem != null) {
            v.add(new FieldViolation(field, problem));
        } else if (!file.getKey().endsWith(".jsonl")) {
            v.add(new FieldViolation(field, "a dataset is a JSONL file: its name must end with .jsonl"));
        }
        if (file.getValue() == null || file.getValue() <= 0) {
            v.add(new FieldViolation(field, "the size must be a number of bytes above 0, got " + file.getValue()));
        } else if (file.getValue() > max) {
            v.add(new FieldViolation(field, file.getValue() + " bytes is more than the " + max + " bytes a file may "
                    + "have (ember.blob.max-file-size)"));
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return file;
    }

    private static String blobPrefix(DatasetEntity d) {
        return DatasetService.blobPrefix(d.datasetName(), d.uid);
    }

    private String base(String requestBaseUrl) {
        String base = config.publicUrl().orElse(requestBaseUrl);
        return base.endsWith("/") ? base : base + "/";
    }

    private static FailedPreconditionException alreadyUploaded(DatasetName name) {
        return new FailedPreconditionException("DATASET_ALREADY_UPLOADED", "dataset '" + name + "' is READY: its "
                + "file can no longer change; create another dataset to upload another file");
    }
}
