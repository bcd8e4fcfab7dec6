package dev.ember.controlplane.dataset.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.name.DatasetName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.dataset.api.CreateDatasetRequest;
import dev.ember.controlplane.dataset.api.Dataset;
import dev.ember.controlplane.dataset.api.ListDatasetsResponse;
import dev.ember.controlplane.dataset.persistence.DatasetEntity;
import dev.ember.controlplane.dataset.persistence.DatasetRepository;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * Datasets of an account: created UPLOADING, filled through {@link DatasetUploads}, READY once validated. Another
 * account's dataset reads as missing (404). Nothing outside the control plane follows datasets, so they publish no
 * events; jobs copy what they need (the example count) when they are created.
 */
@ApplicationScoped
public class DatasetService {

    static final int MAX_DISPLAY_NAME = 255;
    static final Set<String> FORMATS = Set.of(DatasetLines.UNSPECIFIED, DatasetLines.CHAT, DatasetLines.COMPLETION);
    private static final Logger LOG = Logger.getLogger(DatasetService.class);

    @Inject
    DatasetRepository datasets;

    @Inject
    AccountRepository accounts;

    @Inject
    BlobStore blobs;

    @Inject
    Instance<DatasetUsers> users;

    @Inject
    Clock clock;

    /** Where a dataset's files live: under its uid, so a dataset created again under the same name starts empty. */
    public static String blobPrefix(DatasetName name, String uid) {
        return "accounts/" + name.account() + "/datasets/" + name.dataset() + "/" + uid;
    }

    @WithTransaction
    public Uni<Dataset> create(Caller caller, String account, CreateDatasetRequest body) {
        caller.requireWrite(account);
        List<FieldViolation> v = new ArrayList<>();
        if (body == null) {
            throw InvalidArgumentException.field("body", "a body with datasetId and dataset is required");
        }
        if (body.datasetId() == null || body.datasetId().isEmpty()) {
            v.add(new FieldViolation("datasetId", "must not be empty"));
        } else if (!ResourceIds.isValid(body.datasetId())) {
            v.add(new FieldViolation("datasetId", "'" + body.datasetId() + "' is not a valid ID: use 1-63 "
                    + "characters of a-z, 0-9 and '-', not starting or ending with '-'"));
        }
        if (body.sourceDatasetId() != null && !body.sourceDatasetId().isEmpty()) {
            v.add(new FieldViolation("sourceDatasetId", "making a dataset by filtering another is not supported; "
                    + "upload the filtered file as a new dataset"));
        }
        if (body.filter() != null && !body.filter().isEmpty()) {
            v.add(new FieldViolation("filter", "making a dataset by filtering another is not supported"));
        }
        Dataset d = body.dataset();
        if (d == null) {
            v.add(new FieldViolation("dataset", "is required (at least {})"));
        } else {
            displayName(d.displayName(), "dataset.displayName", v);
            if (d.format() != null && !FORMATS.contains(d.format())) {
                v.add(new FieldViolation("dataset.format", "must be CHAT or COMPLETION (or FORMAT_UNSPECIFIED to "
                        + "take the first example's), got '" + d.format() + "'"
                        + ("RL".equals(d.format()) ? ": RL datasets are not supported" : "")));
            }
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        DatasetName name = new DatasetName(account, body.datasetId());
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> datasets.findByName(name))
                .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                .chain(() -> {
                    DatasetEntity e = newEntity(name, d.displayName(), d.format(), caller);
                    return datasets.persist(e).call(datasets::flush)
                            .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                            .invoke(() -> LOG.infof("Dataset %s created, UPLOADING", name))
                            .map(DatasetMapper::toApi);
                });
    }

    @WithSession
    public Uni<Dataset> get(Caller caller, DatasetName name) {
        return readable(caller, name).map(DatasetMapper::toApi);
    }

    /** One page of an account's datasets; see {@link DatasetLists}. */
    @WithSession
    public Uni<ListDatasetsResponse> list(Caller caller, ListRequest request) {
        String account = request.account();
        caller.requireAccess(account);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> datasets.count(request))
                .chain(total -> datasets.page(request, request.pageSize() + 1).map(rows -> {
                    boolean more = rows.size() > request.pageSize();
                    List<DatasetEntity> page = more ? rows.subList(0, request.pageSize()) : rows;
                    String next = null;
                    if (more) {
                        DatasetEntity last = page.get(page.size() - 1);
                        next = request.nextPageToken(sortKey(last, request), last.datasetId);
                    }
                    return new ListDatasetsResponse(page.stream().map(DatasetMapper::toApi).toList(), next,
                            Math.toIntExact(total));
                }));
    }

    /**
     * Changes the display name, the one field a dataset's owner may change: without {@code updateMask} when the body
     * has it, with one when the mask names it. Naming another field in the mask is refused.
     */
    @WithTransaction
    public Uni<Dataset> update(Caller caller, DatasetName name, Dataset body, String updateMask) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a dataset with the fields to change is required");
        }
        boolean change = body.displayName() != null;
        if (updateMask != null && !updateMask.isBlank()) {
            change = false;
            for (String raw : updateMask.split(",")) {
                String path = raw.trim();
                if (path.equals("displayName") || path.equals("display_name")) {
                    change = true;
                } else {
                    throw InvalidArgumentException.field("updateMask", "'" + path + "' cannot be changed: only "
                            + "displayName can (the rest is the uploaded file's, or output-only)");
                }
            }
        }
        List<FieldViolation> v = new ArrayList<>();
        if (change) {
            displayName(body.displayName() == null ? "" : body.displayName(), "displayName", v);
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        boolean apply = change;
        return writable(caller, name).map(e -> {
            if (apply) {
                String next = body.displayName() == null || body.displayName().isEmpty()
                        ? e.datasetId
                        : body.displayName();
                if (!next.equals(e.displayName)) {
                    e.displayName = next;
                    e.updateTime = now();
                }
            }
            return DatasetMapper.toApi(e);
        });
    }

    /**
     * Deletes a dataset and its file, unless a job that has not ended yet reads it (FAILED_PRECONDITION,
     * DATASET_IN_USE, naming the job). Hard, as Fireworks' DeleteDataset.
     */
    public Uni<Void> delete(Caller caller, DatasetName name) {
        return Panache.withTransaction(() -> writable(caller, name)
                .call(e -> inUse(name))
                .call(e -> datasets.delete(e))
                .invoke(e -> LOG.infof("Dataset %s deleted by user '%s'", name, caller.userId()))
                .map(e -> e.uid))
                .chain(uid -> blobs.deleteAll(blobPrefix(name, uid))
                        .onFailure().invoke(f -> LOG.warnf(f, "Dataset %s deleted, but its file could not be removed",
                                name))
                        .onFailure().recoverWithNull());
    }

    private Uni<Void> inUse(DatasetName name) {
        // One after the other: a reactive session runs one statement at a time.
        return Multi.createFrom().iterable(users).onItem().transformToUniAndConcatenate(u -> u.activeUserOf(name))
                .select().where(job -> job != null).collect().first()
                .invoke(job -> {
                    if (job != null) {
                        throw new FailedPreconditionException("DATASET_IN_USE", "dataset '" + name
                                + "' cannot be deleted: job " + job + " uses it and has not ended; cancel or "
                                + "delete it first");
                    }
                }).replaceWithVoid();
    }

    /** A dataset the caller may read, or 404 as if it did not exist. Must run in a session. */
    public Uni<DatasetEntity> readable(Caller caller, DatasetName name) {
        if (!caller.platformAdmin() && !caller.accountId().equals(name.account())) {
            return Uni.createFrom().failure(notFound(name));
        }
        return datasets.findByName(name).onItem().ifNull().failWith(() -> notFound(name));
    }

    /** A dataset the caller may change, locked; 404 for another account's. Must run in a transaction. */
    Uni<DatasetEntity> writable(Caller caller, DatasetName name) {
        if (!caller.platformAdmin() && !caller.accountId().equals(name.account())) {
            return Uni.createFrom().failure(notFound(name));
        }
        caller.requireWrite(name.account());
        return datasets.findByNameForUpdate(name).onItem().ifNull().failWith(() -> notFound(name));
    }

    /**
     * A READY dataset of {@code account} for a job to read, or an INVALID_ARGUMENT on {@code field}. Must run in a
     * session.
     */
    public Uni<DatasetEntity> readyDataset(String account, DatasetName name, String field) {
        if (!name.account().equals(account)) {
            return Uni.createFrom().failure(InvalidArgumentException.field(field, "dataset '" + name
                    + "' does not exist"));
        }
        return datasets.findByName(name).map(d -> {
            if (d == null) {
                throw InvalidArgumentException.field(field, "dataset '" + name + "' does not exist");
            }
            if (!d.isReady()) {
                throw InvalidArgumentException.field(field, "dataset '" + name + "' is " + d.state
                        + ": upload its file and call :validateUpload first");
            }
            return d;
        });
    }

    /**
     * A new dataset that a job writes (no upload): UPLOADING until the job has written it. Must run in a
     * transaction; fails with ALREADY_EXISTS when the name is taken.
     */
    public Uni<DatasetEntity> createForJob(DatasetName name, String format, String jobName, String createdBy) {
        return datasets.findByName(name).onItem().ifNotNull().failWith(() -> alreadyExists(name)).chain(() -> {
            DatasetEntity e = newEntity(name, null, format, null);
            e.sourceJobName = jobName;
            e.createdBy = createdBy;
            return datasets.persist(e);
        });
    }

    private DatasetEntity newEntity(DatasetName name, String displayName, String format, Caller caller) {
        Instant now = now();
        DatasetEntity e = new DatasetEntity();
        e.accountId = name.account();
        e.datasetId = name.dataset();
        e.uid = UUID.randomUUID().toString();
        e.displayName = displayName == null || displayName.isEmpty() ? name.dataset() : displayName;
        e.state = DatasetEntity.UPLOADING;
        e.format = format == null ? DatasetLines.UNSPECIFIED : format;
        e.createdBy = caller == null ? null : caller.userId();
        e.createTime = now;
        e.updateTime = now;
        return e;
    }

    private static void displayName(String displayName, String field, List<FieldViolation> v) {
        if (displayName != null && displayName.length() > MAX_DISPLAY_NAME) {
            v.add(new FieldViolation(field, "must be at most " + MAX_DISPLAY_NAME + " characters, got "
                    + displayName.length()));
        }
    }

    private static Object sortKey(DatasetEntity e, ListRequest request) {
        return switch (request.order().key().apiName()) {
            case "createTime" -> e.createTime;
            case "displayName" -> e.displayName;
            default -> e.datasetId;
        };
    }

    /** PostgreSQL keeps microseconds: cut to them, so what a create answers equals what a GET shows later. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static NotFoundException notFound(DatasetName name) {
        return new NotFoundException("dataset '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(DatasetName name) {
        return new AlreadyExistsException("dataset '" + name + "' already exists");
    }
}
