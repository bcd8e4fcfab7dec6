package dev.ember.controlplane.deployedmodel.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.DeployedModelDeleted;
import dev.ember.common.event.DeployedModelUpdated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.DeployedModelName;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployedmodel.api.DeployedModel;
import dev.ember.controlplane.deployedmodel.api.ListDeployedModelsResponse;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelEntity;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelRepository;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;
import dev.ember.controlplane.deployment.service.DeploymentService;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;
import dev.ember.controlplane.web.Etags;
import dev.ember.controlplane.web.Tagged;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * Deployed models: LoRA addons loaded onto deployments of the same account that serve the addon's base model and were
 * made with {@code enableAddons} (set by the request or by its shape). A deployed model is
 * DEPLOYING until its deployment serves (READY, or UPDATING with replicas up), then DEPLOYED; deleting it makes it
 * UNDEPLOYING, and {@link DeployedModelReconciler} removes it after the unload time. The scheduler is not involved:
 * the deployment's replicas already run the base model. Every change is one transaction with its
 * {@code deployedmodel.*} outbox event, which the data plane routes by.
 */
@ApplicationScoped
public class DeployedModelService {

    static final int MAX_DISPLAY_NAME = 63;
    static final int MAX_DESCRIPTION = 999;
    private static final Logger LOG = Logger.getLogger(DeployedModelService.class);

    @Inject
    DeployedModelRepository deployedModels;

    @Inject
    ModelRepository models;

    @Inject
    DeploymentRepository deployments;

    @Inject
    AccountRepository accounts;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    /** A checked create request. */
    private record Request(ModelName model, DeploymentName deployment, String displayName, String description,
            Boolean isDefault) {
    }

    @WithTransaction
    public Uni<DeployedModel> create(Caller caller, String account, String deployedModelId, DeployedModel body,
            boolean replaceMergedAddon) {
        caller.requireWrite(account);
        Request request = validate(account, deployedModelId, body, replaceMergedAddon);
        DeployedModelName name = new DeployedModelName(account,
                deployedModelId == null || deployedModelId.isEmpty() ? generatedId(request.model()) : deployedModelId);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> addon(account, request.model()))
                .chain(addon -> servingDeployment(request.deployment(), addon)
                        .chain(deployment -> load(name, request, addon, deployment)))
                .map(DeployedModelMapper::toApi);
    }

    /** The create once the addon and the deployment are known to fit. */
    private Uni<DeployedModelEntity> load(DeployedModelName name, Request request, ModelEntity addon,
            DeploymentEntity deployment) {
        return deployedModels.live(request.model(), request.deployment())
                .invoke(existing -> {
                    if (existing != null) {
                        throw new AlreadyExistsException("model '" + request.model() + "' is already loaded onto "
                                + "deployment '" + request.deployment() + "' as '" + existing.name() + "'");
                    }
                })
                .chain(() -> deployedModels.findByName(name))
                .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                .chain(() -> deployedModels.ofModel(request.model()))
                .chain(others -> {
                    List<DeployedModelEntity> live = others.stream()
                            .filter(o -> !DeployedModelEntity.UNDEPLOYING.equals(o.state)).toList();
                    // The first copy is the default; a later one only when asked for, taking it from the others.
                    boolean isDefault = Boolean.TRUE.equals(request.isDefault())
                            || live.stream().noneMatch(o -> o.defaultTarget);
                    DeployedModelEntity entity = newEntity(name, request, addon, deployment, isDefault);
                    return (isDefault ? clearDefault(live, addon) : Uni.createFrom().voidItem())
                            .chain(() -> deployedModels.persist(entity))
                            .call(deployedModels::flush)
                            .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                            .call(() -> published(entity, addon))
                            .invoke(() -> LOG.infof("Deployed model %s: %s onto %s, %s", name, entity.model,
                                    entity.deployment(), entity.state));
                });
    }

    @WithSession
    public Uni<Tagged<DeployedModel>> get(Caller caller, DeployedModelName name) {
        return readable(caller, name).map(DeployedModelService::tagged);
    }

    /** A deployed model and its entity tag: its generation, which every change raises (its state's too). */
    static Tagged<DeployedModel> tagged(DeployedModelEntity e) {
        return new Tagged<>(DeployedModelMapper.toApi(e), Etags.of(e.generation));
    }

    @WithSession
    public Uni<ListDeployedModelsResponse> list(Caller caller, ListRequest request) {
        String account = request.account();
        caller.requireAccess(account);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> deployedModels.count(request))
                .chain(total -> deployedModels.page(request, request.pageSize() + 1).map(rows -> {
                    boolean more = rows.size() > request.pageSize();
                    List<DeployedModelEntity> page = more ? rows.subList(0, request.pageSize()) : rows;
                    String next = null;
                    if (more) {
                        DeployedModelEntity last = page.get(page.size() - 1);
                        Object key = request.order().key().apiName().equals("createTime")
                                ? last.createTime
                                : last.deployedModelId;
                        next = request.nextPageToken(key, last.deployedModelId);
                    }
                    return new ListDeployedModelsResponse(page.stream().map(DeployedModelMapper::toApi).toList(),
                            next, Math.toIntExact(total));
                }));
    }

    /**
     * Changes displayName, description, or makes it the model's default target (the one deployment that serves the
     * model when a request names none). {@code model} and {@code deployment} cannot change: load the addon again.
     * With {@code ifMatch}, only if the deployed model is still at that entity tag.
     */
    @WithTransaction
    public Uni<Tagged<DeployedModel>> update(Caller caller, DeployedModelName name, DeployedModel body,
            String ifMatch) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a deployed model with the fields to change is required");
        }
        return writable(caller, name).chain(entity -> {
            Etags.require(ifMatch, entity.generation, "deployed model '" + name + "'");
            List<FieldViolation> v = new ArrayList<>();
            if (body.model() != null && !body.model().equals(entity.model)) {
                v.add(new FieldViolation("model", "is immutable; load the other model as a new deployed model"));
            }
            if (body.deployment() != null && !body.deployment().equals(entity.deployment().toString())) {
                v.add(new FieldViolation("deployment", "is immutable; load the model onto the other deployment as "
                        + "a new deployed model"));
            }
            if (Boolean.TRUE.equals(body.serverless())) {
                v.add(new FieldViolation("serverless", "serverless LoRA hosting is not available"));
            }
            if (Boolean.TRUE.equals(body.isPublic())) {
                v.add(new FieldViolation("public", "public deployed models are not supported"));
            }
            text(v, "displayName", body.displayName(), MAX_DISPLAY_NAME);
            text(v, "description", body.description(), MAX_DESCRIPTION);
            if (Boolean.FALSE.equals(body.isDefault()) && entity.defaultTarget) {
                v.add(new FieldViolation("default", "make another deployed model of '" + entity.model
                        + "' the default instead; one of them always is"));
            }
            if (Boolean.TRUE.equals(body.isDefault()) && DeployedModelEntity.UNDEPLOYING.equals(entity.state)) {
                v.add(new FieldViolation("default", "is being undeployed"));
            }
            if (!v.isEmpty()) {
                throw InvalidArgumentException.fields(v);
            }
            boolean changed = false;
            if (body.displayName() != null && !body.displayName().equals(entity.displayName)) {
                entity.displayName = body.displayName().isEmpty() ? entity.deployedModelId : body.displayName();
                changed = true;
            }
            if (body.description() != null && !body.description().equals(entity.description)) {
                entity.description = body.description();
                changed = true;
            }
            Uni<Void> makeDefault = Uni.createFrom().voidItem();
            if (Boolean.TRUE.equals(body.isDefault()) && !entity.defaultTarget) {
                entity.defaultTarget = true;
                changed = true;
                makeDefault = deployedModels.ofModel(ModelName.parse("model", entity.model))
                        .chain(all -> addonOf(entity).chain(addon -> clearDefault(all.stream()
                                .filter(o -> !o.uid.equals(entity.uid)).toList(), addon)));
            }
            if (!changed) {
                return Uni.createFrom().item(entity);
            }
            return makeDefault.chain(() -> addonOf(entity))
                    .chain(addon -> changed(entity, addon))
                    .replaceWith(entity);
        }).map(DeployedModelService::tagged);
    }

    /**
     * Starts unloading: UNDEPLOYING at once (the data plane stops routing to it), gone after the unload time. If it
     * was the default, the oldest other copy becomes the default. Deleting one already UNDEPLOYING changes nothing.
     */
    @WithTransaction
    public Uni<Void> delete(Caller caller, DeployedModelName name) {
        return writable(caller, name).chain(entity -> undeploy(entity, "unloaded by user '" + caller.userId()
                + "'"));
    }

    /** UNDEPLOYING with the reason, a new default if it was one, and their events. Must run in a transaction. */
    Uni<Void> undeploy(DeployedModelEntity entity, String reason) {
        if (DeployedModelEntity.UNDEPLOYING.equals(entity.state)) {
            return Uni.createFrom().voidItem();
        }
        boolean wasDefault = entity.defaultTarget;
        entity.state = DeployedModelEntity.UNDEPLOYING;
        entity.defaultTarget = false;
        entity.statusCode = "OK";
        entity.statusMessage = reason;
        LOG.infof("Deployed model %s: UNDEPLOYING (%s)", entity.name(), reason);
        return addonOf(entity).chain(addon -> changed(entity, addon)
                .chain(() -> wasDefault ? promoteDefault(entity, addon) : Uni.createFrom().voidItem()));
    }

    /** Removes an UNDEPLOYING deployed model for good. Must run in a transaction. */
    Uni<Void> remove(DeployedModelEntity entity) {
        Instant now = now();
        LOG.infof("Deployed model %s: unloaded from %s", entity.name(), entity.deployment());
        return deployedModels.delete(entity).call(() -> outbox.add(EventTypes.DEPLOYED_MODEL_DELETED,
                entity.name().toString(), new DeployedModelDeleted(entity.name().toString(), entity.uid,
                        entity.model, entity.deployment().toString(), now, entity.statusMessage)));
    }

    /** DEPLOYING becomes DEPLOYED once the deployment serves. Must run in a transaction. */
    Uni<Void> deployed(DeployedModelEntity entity) {
        entity.state = DeployedModelEntity.DEPLOYED;
        entity.statusCode = "OK";
        entity.statusMessage = "";
        LOG.infof("Deployed model %s: DEPLOYED on %s", entity.name(), entity.deployment());
        return addonOf(entity).chain(addon -> changed(entity, addon));
    }

    /** The deployment states in which its replicas serve, so an addon loaded onto it is usable. */
    static final List<String> SERVING = List.of(DeploymentService.READY, DeploymentService.UPDATING);

    static boolean serving(DeploymentEntity d) {
        return !d.softDeleted() && SERVING.contains(d.state);
    }

    private Request validate(String account, String deployedModelId, DeployedModel body, boolean replaceMergedAddon) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a body with model and deployment is required");
        }
        List<FieldViolation> v = new ArrayList<>();
        if (deployedModelId != null && !deployedModelId.isEmpty() && !ResourceIds.isValid(deployedModelId)) {
            v.add(new FieldViolation("deployedModelId", "'" + deployedModelId + "' is not a valid ID: use 1-63 "
                    + "characters of a-z, 0-9 and '-', not starting or ending with '-'"));
        }
        if (replaceMergedAddon) {
            v.add(new FieldViolation("replaceMergedAddon", "applies to hot-reload deployments, which Ember does not "
                    + "have; addons are loaded next to each other"));
        }
        ModelName model = null;
        if (body.model() == null || body.model().isEmpty()) {
            v.add(new FieldViolation("model", "must name the LoRA addon to load, e.g. accounts/" + account
                    + "/models/my-lora"));
        } else {
            try {
                model = ModelName.parse("model", body.model());
                if (!model.account().equals(account)) {
                    v.add(new FieldViolation("model", "must be a model of account '" + account + "', got '"
                            + body.model() + "'"));
                }
            } catch (InvalidArgumentException e) {
                v.addAll(e.violations());
            }
        }
        DeploymentName deployment = null;
        if (body.deployment() == null || body.deployment().isEmpty()) {
            v.add(new FieldViolation("deployment", "must name the deployment to load the addon onto, e.g. accounts/"
                    + account + "/deployments/my-deployment"));
        } else {
            try {
                deployment = DeploymentName.parse("deployment", body.deployment());
                if (!deployment.account().equals(account)) {
                    v.add(new FieldViolation("deployment", "must be a deployment of account '" + account + "', got '"
                            + body.deployment() + "'"));
                }
            } catch (InvalidArgumentException e) {
                v.addAll(e.violations());
            }
        }
        if (Boolean.TRUE.equals(body.serverless())) {
            v.add(new FieldViolation("serverless", "serverless LoRA hosting is not available; load the addon onto "
                    + "one of your deployments"));
        }
        if (Boolean.TRUE.equals(body.isPublic())) {
            v.add(new FieldViolation("public", "public deployed models are not supported"));
        }
        text(v, "displayName", body.displayName(), MAX_DISPLAY_NAME);
        text(v, "description", body.description(), MAX_DESCRIPTION);
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return new Request(model, deployment, body.displayName(), body.description(), body.isDefault());
    }

    /** The addon to load: a READY LoRA addon of the account. Must run in a session. */
    private Uni<ModelEntity> addon(String account, ModelName name) {
        return models.findByName(name).map(model -> {
            if (model == null || !model.accountId.equals(account)) {
                throw InvalidArgumentException.field("model", "model '" + name + "' does not exist");
            }
            if (!model.isAddon()) {
                throw InvalidArgumentException.field("model", "'" + name + "' is a base model, not a LoRA addon; "
                        + "serve it with a deployment (POST .../deployments with baseModel '" + name + "')");
            }
            if (!model.isReady()) {
                throw InvalidArgumentException.field("model", "'" + name + "' is " + model.state + ": upload its "
                        + "files and call :validateUpload before loading it");
            }
            return model;
        });
    }

    /** The deployment to load onto: live, of the account, serving the addon's base model, taking addons. */
    private Uni<DeploymentEntity> servingDeployment(DeploymentName name, ModelEntity addon) {
        return deployments.findByName(name).map(deployment -> {
            if (deployment == null) {
                throw InvalidArgumentException.field("deployment", "deployment '" + name + "' does not exist");
            }
            if (deployment.softDeleted()) {
                throw InvalidArgumentException.field("deployment", "deployment '" + name + "' is deleted ("
                        + deployment.state + ")");
            }
            if (!deployment.baseModel.equals(addon.peftBaseModel)) {
                throw InvalidArgumentException.field("deployment", "deployment '" + name + "' serves '"
                        + deployment.baseModel + "', but LoRA addon '" + addon.name() + "' was trained on '"
                        + addon.peftBaseModel + "'; load it onto a deployment of '" + addon.peftBaseModel + "'");
            }
            if (!deployment.enableAddons) {
                throw InvalidArgumentException.field("deployment", "deployment '" + name + "' does not take LoRA "
                        + "addons: it was made without enableAddons; update it with {\"enableAddons\": true} (its "
                        + "replicas restart with addons enabled) or load the addon onto a deployment that has it");
            }
            return deployment;
        });
    }

    private DeployedModelEntity newEntity(DeployedModelName name, Request request, ModelEntity addon,
            DeploymentEntity deployment, boolean isDefault) {
        Instant now = now();
        boolean serving = serving(deployment);
        DeployedModelEntity e = new DeployedModelEntity();
        e.accountId = name.account();
        e.deployedModelId = name.deployedModel();
        e.uid = UUID.randomUUID().toString();
        e.generation = 1;
        e.displayName = request.displayName() == null || request.displayName().isEmpty()
                ? name.deployedModel()
                : request.displayName();
        e.description = request.description() == null ? "" : request.description();
        e.model = addon.name();
        e.baseModel = addon.peftBaseModel;
        e.deploymentId = deployment.deploymentId;
        e.deploymentUid = deployment.uid;
        e.defaultTarget = isDefault;
        e.state = serving ? DeployedModelEntity.DEPLOYED : DeployedModelEntity.DEPLOYING;
        e.statusCode = "OK";
        e.statusMessage = serving
                ? ""
                : "waiting for deployment '" + deployment.name() + "' to be READY ("
                        + deployment.state + ")";
        e.createTime = now;
        e.updateTime = now;
        return e;
    }

    /** Makes the others of the model not the default (this one becomes it). */
    private Uni<Void> clearDefault(List<DeployedModelEntity> others, ModelEntity addon) {
        return Multi.createFrom().iterable(others.stream().filter(o -> o.defaultTarget).toList())
                .onItem().transformToUniAndConcatenate(o -> {
                    o.defaultTarget = false;
                    return changed(o, addon);
                })
                .collect().last().replaceWithVoid();
    }

    /** After the default went away: the oldest other live copy of the model becomes the default. */
    private Uni<Void> promoteDefault(DeployedModelEntity gone, ModelEntity addon) {
        return deployedModels.ofModel(ModelName.parse("model", gone.model)).chain(all -> all.stream()
                .filter(o -> !o.uid.equals(gone.uid) && !DeployedModelEntity.UNDEPLOYING.equals(o.state))
                .findFirst()
                .map(next -> {
                    next.defaultTarget = true;
                    return changed(next, addon);
                })
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }

    /** A new generation of the deployed model, with its event. */
    private Uni<Void> changed(DeployedModelEntity entity, ModelEntity addon) {
        entity.generation++;
        entity.updateTime = now();
        return published(entity, addon);
    }

    private Uni<Void> published(DeployedModelEntity entity, ModelEntity addon) {
        return outbox.add(EventTypes.DEPLOYED_MODEL_UPDATED, entity.name().toString(),
                new DeployedModelUpdated(DeployedModelMapper.spec(entity, addon == null ? null : addon.loraRank)));
    }

    /** The addon a deployed model loads (null if it is gone, which deletion checks prevent). */
    private Uni<ModelEntity> addonOf(DeployedModelEntity entity) {
        return models.findByName(ModelName.parse("model", entity.model));
    }

    private Uni<DeployedModelEntity> readable(Caller caller, DeployedModelName name) {
        if (!caller.platformAdmin() && !caller.accountId().equals(name.account())) {
            return Uni.createFrom().failure(notFound(name));
        }
        return deployedModels.findByName(name).onItem().ifNull().failWith(() -> notFound(name));
    }

    private Uni<DeployedModelEntity> writable(Caller caller, DeployedModelName name) {
        if (!caller.platformAdmin() && !caller.accountId().equals(name.account())) {
            return Uni.createFrom().failure(notFound(name));
        }
        caller.requireWrite(name.account());
        return deployedModels.findByNameForUpdate(name).onItem().ifNull().failWith(() -> notFound(name));
    }

    /** {@code <model id>-<6 random>}, within 63 characters. */
    private static String generatedId(ModelName model) {
        String prefix = model.model().length() > 56 ? model.model().substring(0, 56) : model.model();
        while (prefix.endsWith("-")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix + "-" + ResourceIds.generate(6);
    }

    private static void text(List<FieldViolation> v, String field, String value, int max) {
        if (value != null && value.length() > max) {
            v.add(new FieldViolation(field, "must be fewer than " + (max + 1) + " characters long, got "
                    + value.length()));
        }
    }

    /** PostgreSQL keeps microseconds: cut to them, an event's times equal the stored ones a GET shows. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static NotFoundException notFound(DeployedModelName name) {
        return new NotFoundException("deployed model '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(DeployedModelName name) {
        return new AlreadyExistsException("deployed model '" + name + "' already exists");
    }
}
