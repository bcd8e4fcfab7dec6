package dev.ember.controlplane.model.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.error.PermissionDeniedException;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelCreated;
import dev.ember.common.event.ModelDeleted;
import dev.ember.common.event.ModelUpdated;
import dev.ember.common.name.ModelName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelEntity;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelRepository;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.model.api.CreateModelRequest;
import dev.ember.controlplane.model.api.ListModelsResponse;
import dev.ember.controlplane.model.api.Model;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelFileEntity;
import dev.ember.controlplane.model.persistence.ModelFileRepository;
import dev.ember.controlplane.model.persistence.ModelRepository;
import dev.ember.controlplane.web.Etags;
import dev.ember.controlplane.web.Tagged;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * Models: the public catalog (read-only, readable by every account) and each account's custom base models and LoRA
 * addons. Each change is one transaction with its outbox row. Another account's model reads as missing (404), so
 * names do not leak across accounts.
 */
@ApplicationScoped
public class ModelService {

    /** A custom base model is served at this precision unless its config.json says otherwise. */
    static final String CUSTOM_PRECISION = "BF16";
    private static final Logger LOG = Logger.getLogger(ModelService.class);
    private static final int IN_USE_SHOWN = 5;

    @Inject
    ModelRepository models;

    @Inject
    ModelFileRepository files;

    @Inject
    AccountRepository accounts;

    @Inject
    DeploymentRepository deployments;

    @Inject
    DeployedModelRepository deployedModels;

    @Inject
    ModelCatalog catalog;

    @Inject
    BlobStore blobs;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @WithTransaction
    public Uni<Model> create(Caller caller, String account, CreateModelRequest body) {
        requireCatalogUntouched(account);
        caller.requireWrite(account);
        ModelRequest request = ModelRequest.validate(body);
        ModelName name = new ModelName(account, request.modelId());
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> request.isAddon() ? loraBase(account, request) : Uni.createFrom().nullItem())
                .chain(base -> models.findByName(name)
                        .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                        .replaceWith(base))
                .chain(base -> {
                    ModelEntity entity = newEntity(name, request, base);
                    return models.persist(entity)
                            .call(models::flush)
                            .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                            .call(() -> outbox.add(EventTypes.MODEL_CREATED, name.toString(),
                                    new ModelCreated(ModelMapper.spec(entity))))
                            .invoke(() -> LOG.infof("Model %s created (%s), UPLOADING", name, entity.kind))
                            .map(e -> ModelMapper.toApi(e, base == null ? null : base.modelType));
                });
    }

    /** One model, with its uploaded files (base models) and the deployments it is loaded onto. */
    @WithSession
    public Uni<Tagged<Model>> get(Caller caller, ModelName name) {
        return readable(caller, name)
                .chain(model -> baseModelType(model)
                        .chain(baseType -> files.ofModel(name)
                                .chain(declared -> deployedModels.ofModel(name).map(loaded -> new Tagged<>(
                                        ModelMapper.toApi(model, baseType, model.isAddon() ? null : fileNames(declared),
                                                loaded.isEmpty()
                                                        ? null
                                                        : loaded.stream().map(ModelService::ref)
                                                                .toList()),
                                        Etags.of(model.revision))))));
    }

    /**
     * One page of an account's models; the catalog account's are listed to everyone. The count and the page are two
     * reads, so a model created between them can make {@code totalSize} off by one for that response.
     */
    @WithSession
    public Uni<ListModelsResponse> list(Caller caller, ListRequest request) {
        String account = request.account();
        if (!account.equals(catalog.catalogAccount())) {
            caller.requireAccess(account);
        }
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> models.count(request))
                .chain(total -> models.page(request, request.pageSize() + 1).map(rows -> {
                    boolean more = rows.size() > request.pageSize();
                    List<ModelEntity> page = more ? rows.subList(0, request.pageSize()) : rows;
                    String next = null;
                    if (more) {
                        ModelEntity last = page.get(page.size() - 1);
                        next = request.nextPageToken(sortKey(last, request), last.modelId);
                    }
                    return new ListModelsResponse(page.stream().map(m -> ModelMapper.toApi(m, null)).toList(), next,
                            Math.toIntExact(total));
                }));
    }

    /** Changes the descriptive fields ({@link ModelPatch} says which); the model.updated event carries the result. */
    @WithTransaction
    public Uni<Tagged<Model>> update(Caller caller, ModelName name, Model body, String updateMask,
            String ifMatch) {
        requireCatalogUntouched(name.account());
        if (body == null) {
            throw InvalidArgumentException.field("body", "a model with the fields to change is required");
        }
        return writable(caller, name)
                .invoke(entity -> Etags.require(ifMatch, entity.revision, "model '" + name + "'"))
                .chain(entity -> baseModelType(entity).chain(baseType -> {
                    Model current = ModelMapper.toApi(entity, baseType);
                    ModelPatch patch = ModelPatch.of(current, body, updateMask);
                    if (patch.isEmpty()) {
                        return Uni.createFrom().item(new Tagged<>(current, Etags.of(entity.revision)));
                    }
                    patch.applyTo(entity);
                    entity.updateTime = now();
                    entity.revision++;
                    return outbox.add(EventTypes.MODEL_UPDATED, name.toString(),
                            new ModelUpdated(ModelMapper.spec(entity)))
                            .map(v -> new Tagged<>(ModelMapper.toApi(entity, baseType), Etags.of(entity.revision)));
                }));
    }

    /**
     * Deletes a model and its files, unless something still uses it: a deployment serving it (in any state but
     * DELETED), a deployed model loading it, or a LoRA addon trained on it (FAILED_PRECONDITION, MODEL_IN_USE, naming
     * them). Fireworks' DeleteModel is a hard delete; so is this.
     */
    public Uni<Void> delete(Caller caller, ModelName name) {
        requireCatalogUntouched(name.account());
        // The files go once the row's deletion committed; a failure there leaves files no model refers to (their
        // keys hold the model's uid, so a new model of the same name never sees them), never a model without files.
        return Panache.withTransaction(() -> deleteRow(caller, name))
                .chain(uid -> blobs.deleteAll(ModelUploads.blobPrefix(name, uid))
                        .onFailure()
                        .invoke(f -> LOG.warnf(f, "Model %s deleted, but its files could not be removed", name))
                        .onFailure().recoverWithNull());
    }

    private Uni<String> deleteRow(Caller caller, ModelName name) {
        return writable(caller, name)
                .call(entity -> inUse(entity))
                .chain(entity -> {
                    Instant now = now();
                    return models.delete(entity)
                            .call(() -> outbox.add(EventTypes.MODEL_DELETED, name.toString(),
                                    new ModelDeleted(name.toString(), entity.uid, now)))
                            .invoke(() -> LOG.infof("Model %s deleted by user '%s'", name, caller.userId()))
                            .replaceWith(entity.uid);
                });
    }

    /**
     * The base model a deployment in {@code account} may serve: one the account can see (its own or the catalog's),
     * a base model (not a LoRA addon), READY. Anything else is an INVALID_ARGUMENT on {@code field}. Must run in a
     * session.
     */
    public Uni<ModelEntity> deployableBaseModel(String account, ModelName name, String field) {
        return catalog.find(name).map(model -> {
            if (model == null || !visibleTo(account, model)) {
                throw InvalidArgumentException.field(field, "model '" + name + "' does not exist");
            }
            if (model.isAddon()) {
                throw InvalidArgumentException.field(field, "'" + name + "' is a LoRA addon; deploy its base model '"
                        + model.peftBaseModel + "' and load the addon onto that deployment with deployedModels");
            }
            if (!model.isReady()) {
                throw InvalidArgumentException.field(field, "model '" + name + "' is " + model.state
                        + ": upload its files and call :validateUpload before deploying it");
            }
            return model;
        });
    }

    /** Whether a model may be seen by callers of {@code account}: its own models and the catalog's. */
    boolean visibleTo(String account, ModelEntity model) {
        return model.accountId.equals(account) || model.accountId.equals(catalog.catalogAccount());
    }

    /** A model the caller may read, or 404 as if it did not exist. Must run in a session. */
    Uni<ModelEntity> readable(Caller caller, ModelName name) {
        boolean allowed = caller.platformAdmin() || caller.accountId().equals(name.account())
                || name.account().equals(catalog.catalogAccount());
        if (!allowed) {
            return Uni.createFrom().failure(notFound(name));
        }
        return models.findByName(name).onItem().ifNull().failWith(() -> notFound(name));
    }

    /**
     * A model the caller may change, locked: 403 for the catalog, 404 for another account's (as if it did not exist),
     * 403 for inference-only users. Must run in a transaction.
     */
    Uni<ModelEntity> writable(Caller caller, ModelName name) {
        requireCatalogUntouched(name.account());
        if (!caller.platformAdmin() && !caller.accountId().equals(name.account())) {
            return Uni.createFrom().failure(notFound(name));
        }
        caller.requireWrite(name.account());
        return models.findByNameForUpdate(name).onItem().ifNull().failWith(() -> notFound(name));
    }

    private void requireCatalogUntouched(String account) {
        if (account.equals(catalog.catalogAccount())) {
            throw new PermissionDeniedException("CATALOG_READ_ONLY", "the public catalog (accounts/"
                    + catalog.catalogAccount() + ") is read-only; create models in your own account");
        }
    }

    /** A LoRA addon's base model: visible to the account, a base model, READY, taking LoRA addons. */
    private Uni<ModelEntity> loraBase(String account, ModelRequest request) {
        String field = "model.peftDetails.baseModel";
        ModelName baseName = request.peftBaseModel();
        return models.findByName(baseName).map(base -> {
            if (base == null || !visibleTo(account, base)) {
                throw InvalidArgumentException.field(field, "model '" + baseName + "' does not exist");
            }
            if (base.isAddon()) {
                throw InvalidArgumentException.field(field, "'" + baseName + "' is itself a LoRA addon; name the "
                        + "base model it was trained on ('" + base.peftBaseModel + "')");
            }
            if (base.isEmbedding()) {
                throw InvalidArgumentException.field(field, "'" + baseName + "' is an embedding model ("
                        + ModelEntity.EMBEDDING_MODEL + "): LoRA addons are for models that generate text");
            }
            if (!base.supportsLora) {
                throw InvalidArgumentException.field(field, "'" + baseName + "' does not support LoRA addons");
            }
            if (!base.isReady()) {
                throw InvalidArgumentException.field(field, "'" + baseName + "' is still " + base.state
                        + "; validate its upload first");
            }
            if (request.contextLength() != null && base.contextLength > 0
                    && request.contextLength() > base.contextLength) {
                throw InvalidArgumentException.field("model.contextLength", "must not exceed the base model's "
                        + base.contextLength + ", got " + request.contextLength());
            }
            return base;
        });
    }

    private Uni<Void> inUse(ModelEntity model) {
        ModelName name = model.modelName();
        return deployments.find("accountId = ?1 and baseModel = ?2 and state <> ?3 order by deploymentId",
                name.account(), name.toString(), DeploymentEntity.DELETED).page(0, IN_USE_SHOWN).list()
                .chain(serving -> {
                    if (!serving.isEmpty()) {
                        return Uni.createFrom().failure(inUse(name, "it is the base model of deployment(s) "
                                + String.join(", ", serving.stream().map(d -> d.name().toString()).toList())
                                + "; delete them first"));
                    }
                    return deployedModels.ofModel(name);
                })
                .chain(loaded -> {
                    if (!loaded.isEmpty()) {
                        return Uni.createFrom().failure(inUse(name, "it is loaded onto "
                                + String.join(", ", loaded.stream().limit(IN_USE_SHOWN)
                                        .map(d -> d.deployment() + " (as " + d.name() + ", " + d.state + ")")
                                        .toList())
                                + "; unload it first (DELETE the deployed model)"));
                    }
                    return models.addonsOf(name, IN_USE_SHOWN);
                })
                .chain(addons -> addons.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(inUse(name, "LoRA addon(s) "
                                + String.join(", ", addons.stream().map(ModelEntity::name).toList())
                                + " were trained on it; delete them first")));
    }

    private static FailedPreconditionException inUse(ModelName name, String why) {
        return new FailedPreconditionException("MODEL_IN_USE", "model '" + name + "' cannot be deleted: " + why);
    }

    /** A LoRA addon's base model's type (peftDetails.baseModelType); null for base models. */
    Uni<String> baseModelType(ModelEntity model) {
        if (!model.isAddon() || model.peftBaseModel == null) {
            return Uni.createFrom().nullItem();
        }
        return models.findByName(ModelName.parse("peftDetails.baseModel", model.peftBaseModel))
                .map(base -> base == null ? null : base.modelType);
    }

    private static List<String> fileNames(List<ModelFileEntity> declared) {
        return declared.isEmpty() ? null : declared.stream().map(f -> f.filename).toList();
    }

    private static Model.DeployedModelRef ref(DeployedModelEntity d) {
        return new Model.DeployedModelRef(d.name().toString(), d.deployment().toString(), d.state, d.defaultTarget,
                false);
    }

    private static Object sortKey(ModelEntity e, ListRequest request) {
        return switch (request.order().key().apiName()) {
            case "createTime" -> e.createTime;
            case "displayName" -> e.displayName;
            default -> e.modelId;
        };
    }

    private ModelEntity newEntity(ModelName name, ModelRequest r, ModelEntity base) {
        Instant now = now();
        ModelEntity e = new ModelEntity();
        e.revision = 1;
        e.accountId = name.account();
        e.modelId = name.model();
        e.uid = UUID.randomUUID().toString();
        e.displayName = r.displayName() == null ? name.model() : r.displayName();
        e.description = r.description();
        e.kind = r.kind();
        e.state = ModelEntity.UPLOADING;
        e.githubUrl = r.githubUrl();
        e.huggingFaceUrl = r.huggingFaceUrl();
        e.supportsTools = r.supportsTools();
        e.supportsImageInput = r.supportsImageInput();
        e.supportsLora = r.supportsLora();
        e.publicModel = false;
        e.parameterCount = r.parameterCount();
        e.activeParameterCount = r.parameterCount();
        e.worldSize = r.worldSize();
        e.moe = r.moe();
        e.modelType = r.modelType();
        e.checkpointFormat = "HUGGINGFACE";
        e.defaultPrecision = CUSTOM_PRECISION;
        e.contextLength = r.contextLength() != null ? r.contextLength() : base != null ? base.contextLength : 0;
        if (base != null) {
            e.peftBaseModel = base.name();
            e.loraRank = r.loraRank();
            e.targetModules = ModelMapper.targetModulesJson(r.targetModules());
        }
        e.createTime = now;
        e.updateTime = now;
        return e;
    }

    /** PostgreSQL keeps microseconds: cut to them, an event's times equal the stored ones a GET shows. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static NotFoundException notFound(ModelName name) {
        return new NotFoundException("model '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(ModelName name) {
        return new AlreadyExistsException("model '" + name + "' already exists");
    }
}
