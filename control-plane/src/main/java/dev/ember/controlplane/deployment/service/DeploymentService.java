package dev.ember.controlplane.deployment.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentDeletionRequested;
import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.DeploymentUpdated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ScalingSchedule;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ModelName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelRepository;
import dev.ember.controlplane.deployment.api.Deployment;
import dev.ember.controlplane.deployment.api.ListDeploymentsResponse;
import dev.ember.controlplane.deployment.api.ScaleDeploymentRequest;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;
import dev.ember.controlplane.model.service.ModelService;
import dev.ember.controlplane.quota.persistence.QuotaRepository;
import dev.ember.controlplane.quota.service.QuotaService;
import dev.ember.controlplane.region.service.RegionService;
import dev.ember.controlplane.shape.service.DeploymentShapeService;
import dev.ember.controlplane.web.Etags;
import dev.ember.controlplane.web.Tagged;
import dev.ember.controlplane.web.list.ListRequest;

/** Deployments: validation, storage and their events, each change in one transaction with its outbox row. */
@ApplicationScoped
public class DeploymentService {

    public static final String CREATING = "CREATING";
    public static final String READY = "READY";
    public static final String UPDATING = "UPDATING";
    public static final String FAILED = "FAILED";
    public static final String DELETED = DeploymentEntity.DELETED;
    public static final String DELETING = "DELETING";
    /**
     * How long a soft-deleted deployment stays restorable with :undelete, shown as {@code purgeTime}; then
     * {@link DeploymentPurger} removes it for good. {@code hard=true} purges at once.
     */
    public static final Duration PURGE_AFTER = Duration.ofDays(30);
    private static final Logger LOG = Logger.getLogger(DeploymentService.class);

    @Inject
    DeploymentRepository deployments;

    @Inject
    AccountRepository accounts;

    @Inject
    ModelRepository models;

    @Inject
    DeployedModelRepository deployedModels;

    @Inject
    ModelService modelService;

    @Inject
    Outbox outbox;

    @Inject
    QuotaService quotas;

    @Inject
    DeploymentShapeService shapes;

    @Inject
    Clock clock;

    public Uni<Deployment> create(Caller caller, String account, String deploymentId, Deployment body,
            boolean validateOnly) {
        return create(caller, account, deploymentId, body, validateOnly, false);
    }

    /**
     * Creates a deployment. A {@code deploymentShape} in the body resolves to a shape version whose hardware and
     * serving options fill the fields the body leaves out; with {@code disableSpeculativeDecoding} the shape's
     * speculative decoding is left out.
     */
    @WithTransaction
    public Uni<Deployment> create(Caller caller, String account, String deploymentId, Deployment body,
            boolean validateOnly, boolean disableSpeculativeDecoding) {
        caller.requireWrite(account);
        DeploymentName name = new DeploymentName(account, DeploymentRequest.deploymentId(deploymentId));
        DeploymentRequest request = DeploymentRequest.validate(body);
        if (disableSpeculativeDecoding) {
            refuseSpeculation(request);
        }
        // One read, before anything is written (no lock): the account, the GPU pools, its quotas and holdings.
        return quotas.capacity(account, null).chain(capacity -> {
            if (!capacity.accountExists()) {
                throw accountNotFound(account);
            }
            return settled(caller, account, request, disableSpeculativeDecoding).chain(settled -> {
                DeploymentEntity entity = newEntity(name, settled);
                capacityChecks(entity, capacity);
                if (validateOnly) {
                    // A create that stores finds a duplicate by the insert's unique violation; a dry run looks.
                    return deployments.findByName(name).onItem().ifNotNull().failWith(() -> alreadyExists(name))
                            .replaceWith(entity);
                }
                // Its commit moves its GPUs into the holdings of its region and checks the quota it was judged
                // against again, counting what committed meanwhile (ADR 30).
                return outbox.add(EventTypes.DEPLOYMENT_CREATED, name.toString(),
                        new DeploymentCreated(spec(entity, settled)))
                        .chain(() -> deployments.persist(entity))
                        .call(deployments::flush)
                        .onFailure(EmberExceptions::isForeignKeyViolation).transform(f -> accountNotFound(account))
                        .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name));
            });
        })
                .map(DeploymentMapper::toApi);
    }

    /** The request's base model (only models the account can see, READY base models) and its settled settings. */
    private Uni<DeploymentSettings.Settled> settled(Caller caller, String account, DeploymentRequest request,
            boolean disableSpeculativeDecoding) {
        return modelService.deployableBaseModel(account, request.baseModel(), "baseModel")
                .chain(model -> settle(caller, account, request, model, true, disableSpeculativeDecoding));
    }

    private static NotFoundException accountNotFound(String account) {
        return new NotFoundException("account '" + account + "' does not exist");
    }

    /** disableSpeculativeDecoding=true with speculation asked for in the same request is a contradiction. */
    private static void refuseSpeculation(DeploymentRequest request) {
        List<FieldViolation> violations = new ArrayList<>();
        if (request.draftModel() != null) {
            violations.add(new FieldViolation("draftModel", "conflicts with disableSpeculativeDecoding=true"));
        }
        if (request.draftTokenCount() != null) {
            violations.add(new FieldViolation("draftTokenCount", "conflicts with disableSpeculativeDecoding=true"));
        }
        if (request.ngramSpeculationLength() != null) {
            violations.add(new FieldViolation("ngramSpeculationLength",
                    "conflicts with disableSpeculativeDecoding=true"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
    }

    /**
     * Applies the request's shape and checks its serving options against the models. {@code explicitShape}: the
     * request names its shape (a create, or an update of {@code deploymentShape}), so fields it leaves out come from
     * the shape and conflicting ones are refused; otherwise the stored shape is kept while its fields are unchanged
     * and left once one changes.
     */
    private Uni<DeploymentSettings.Settled> settle(Caller caller, String account, DeploymentRequest request,
            ModelEntity model, boolean explicitShape, boolean withoutSpeculation) {
        Uni<DeploymentRequest> shaped;
        if (request.deploymentShape() == null) {
            shaped = Uni.createFrom().item(request);
        } else if (explicitShape) {
            shaped = Uni.createFrom().deferred(() -> shapes.resolve(caller, "deploymentShape",
                    request.deploymentShape(), model))
                    .map(shape -> DeploymentSettings.applyShape(request, shape, withoutSpeculation));
        } else {
            shaped = Uni.createFrom().deferred(() -> shapes.resolve(caller, "deploymentShape",
                    request.deploymentShape(), model))
                    .map(shape -> DeploymentSettings.keepOrLeaveShape(request, shape))
                    .onFailure(InvalidArgumentException.class)
                    .recoverWithItem(() -> DeploymentSettings.withoutShape(request));
        }
        return shaped.chain(r -> r.draftModel() == null
                ? Uni.createFrom().item(() -> DeploymentSettings.check(r, model, null))
                // A draft model is deployed with the base: the same rule (visible, READY, not an addon) applies.
                : modelService.deployableBaseModel(account, r.draftModel(), "draftModel")
                        .map(draft -> DeploymentSettings.check(r, model, draft)));
    }

    private static DeploymentSpec spec(DeploymentEntity e, DeploymentSettings.Settled settled) {
        return DeploymentMapper.spec(e, settled.model().profile(),
                settled.draft() == null ? null : settled.draft().profile());
    }

    /** The profiles of a stored deployment's base and draft models. */
    private record Profiles(ModelProfile model, ModelProfile draft) {

        DeploymentSpec spec(DeploymentEntity e) {
            return DeploymentMapper.spec(e, model, draft);
        }
    }

    /** Reads a stored deployment's models; one gone since is a FAILED_PRECONDITION. */
    private Uni<Profiles> profiles(DeploymentEntity e) {
        return models.findByName(ModelName.parse("baseModel", e.baseModel))
                .onItem().ifNull().failWith(() -> new FailedPreconditionException("MODEL_NOT_FOUND",
                        "the base model '" + e.baseModel + "' of deployment '" + e.name() + "' no longer exists"))
                .chain(model -> e.draftModel == null
                        ? Uni.createFrom().item(new Profiles(model.profile(), null))
                        : models.findByName(ModelName.parse("draftModel", e.draftModel))
                                .onItem().ifNull().failWith(() -> new FailedPreconditionException(
                                        "DRAFT_MODEL_NOT_FOUND", "the draft model '" + e.draftModel
                                                + "' of deployment '" + e.name() + "' no longer exists"))
                                .map(draft -> new Profiles(model.profile(), draft.profile())));
    }

    /** A deployment and its entity tag: its generation, which changes whenever its spec does. */
    static Tagged<Deployment> tagged(DeploymentEntity e) {
        return new Tagged<>(DeploymentMapper.toApi(e), Etags.of(e.generation));
    }

    @WithSession
    public Uni<Tagged<Deployment>> get(Caller caller, DeploymentName name) {
        caller.requireAccess(name.account());
        return deployments.findByName(name)
                .onItem().ifNull().failWith(() -> notFound(name))
                .map(DeploymentService::tagged);
    }

    /**
     * Changes a deployment's spec ({@link DeploymentPatch} says which fields), checked like a create. With
     * {@code ifMatch}, refuses the write when the deployment changed since that etag was read. New hardware (accelerator
     * type or count, precision) puts a serving deployment in {@code UPDATING} while the scheduler replaces its replicas
     * one at a time; other changes apply in place. Either way the {@code deployment.updated} event carries the new spec.
     */
    @WithTransaction
    public Uni<Tagged<Deployment>> update(Caller caller, DeploymentName name, Deployment body, String updateMask,
            String ifMatch) {
        caller.requireWrite(name.account());
        if (body == null) {
            throw InvalidArgumentException.field("body", "a deployment with the fields to change is required");
        }
        Set<String> paths = DeploymentPatch.paths(updateMask, body);
        return deployments.findByNameForUpdate(name)
                .onItem().ifNull().failWith(() -> notFound(name))
                .chain(entity -> {
                    Etags.require(ifMatch, entity.generation, "deployment '" + name + "'");
                    if (entity.softDeleted()) {
                        return Uni.createFrom().failure(new FailedPreconditionException("DELETED",
                                "deployment '" + name + "' is deleted; undelete it before updating it"));
                    }
                    Deployment current = DeploymentMapper.toApi(entity);
                    DeploymentPatch.checkImmutable(current, body);
                    if (paths.isEmpty()) {
                        return Uni.createFrom().item(entity);
                    }
                    DeploymentRequest request = DeploymentRequest.validate(DeploymentPatch.merge(current, body,
                            paths));
                    return models.findByName(request.baseModel())
                            .onItem().ifNull().failWith(() -> new FailedPreconditionException("MODEL_NOT_FOUND",
                                    "the base model '" + entity.baseModel + "' no longer exists"))
                            .chain(model -> settle(caller, name.account(), request, model,
                                    DeploymentPatch.newShape(body, paths), false))
                            .call(settled -> keepAddonsWhileLoaded(entity, settled.request()))
                            .chain(settled -> applyUpdate(entity, settled));
                })
                .map(DeploymentService::tagged);
    }

    /** Turning enableAddons off is refused while addons are loaded onto the deployment: unload them first. */
    private Uni<Void> keepAddonsWhileLoaded(DeploymentEntity e, DeploymentRequest request) {
        if (!e.enableAddons || Boolean.TRUE.equals(request.enableAddons())) {
            return Uni.createFrom().voidItem();
        }
        return deployedModels.countLoadedOnto(e.name(), e.uid).invoke(loaded -> {
            if (loaded > 0) {
                throw new FailedPreconditionException("ADDONS_LOADED", "deployment '" + e.name() + "' has " + loaded
                        + " LoRA addon(s) loaded; delete its deployed models before turning enableAddons off");
            }
        }).replaceWithVoid();
    }

    private Uni<DeploymentEntity> applyUpdate(DeploymentEntity e, DeploymentSettings.Settled settled) {
        DeploymentRequest request = settled.request();
        HardwareSizing.Hardware hw = HardwareSizing.resolve(request, settled.model(), settled.draft());
        // Read before the row changes, so its stored share is the one left out; checked again at commit, as a create.
        return quotas.capacity(e.accountId, e).chain(capacity -> applyUpdate(e, settled, hw)
                .invoke(() -> capacityChecks(e, capacity)))
                .call(deployments::flush);
    }

    /**
     * Hardware the regions of the placement do not offer is refused (400), and so is a minimum that the account's GPU
     * quotas leave no room for (429 RESOURCE_EXHAUSTED), before anything is placed; judged on {@code capacity} read
     * before the write. Notes on {@code wanted} the quota its commit checks again.
     */
    private void capacityChecks(DeploymentEntity wanted, QuotaRepository.Capacity capacity) {
        AcceleratorType type = AcceleratorType.valueOf(wanted.acceleratorType);
        RegionService.requireOffered(capacity.pools(), type, RegionService.regionsOf(wanted.placement),
                wanted.placement, "acceleratorType");
        wanted.quotaGpus = quotas.requireRoom(capacity, wanted.accountId, type, wanted.acceleratorCount,
                wanted.minReplicaCount, wanted.placement);
    }

    private Uni<DeploymentEntity> applyUpdate(DeploymentEntity e, DeploymentSettings.Settled settled,
            HardwareSizing.Hardware hw) {
        DeploymentRequest request = settled.request();
        String options = servingOptions(e);
        boolean newHardware = !hw.type().name().equals(e.acceleratorType) || hw.count() != e.acceleratorCount
                || !hw.precision().name().equals(e.precision);
        e.displayName = request.displayName() == null ? e.deploymentId : request.displayName();
        e.description = request.description() == null ? "" : request.description();
        e.acceleratorType = hw.type().name();
        e.acceleratorCount = hw.count();
        e.precision = hw.precision().name();
        applyServing(e, request);
        newHardware |= !servingOptions(e).equals(options);
        applyScaling(e, request);
        e.generation++;
        e.updateTime = now();
        if (newHardware && !CREATING.equals(e.state)) {
            e.state = UPDATING;
            e.statusCode = "OK";
            e.statusMessage = "replacing replicas with " + e.acceleratorCount + " x " + e.acceleratorType + " at "
                    + e.precision + (servingOptions(e).isEmpty() ? "" : " (" + servingOptions(e) + ")");
        }
        LOG.infof("Deployment %s updated to generation %d%s", e.name(), e.generation,
                newHardware ? " with new hardware or serving options" : "");
        return outbox.add(EventTypes.DEPLOYMENT_UPDATED, e.name().toString(),
                new DeploymentUpdated(spec(e, settled))).replaceWith(e);
    }

    /**
     * What a replica's server is started with beyond its hardware, as {@link DeploymentSpec#servingOptions()} says
     * it: a change replaces the replicas, like new hardware.
     */
    private static String servingOptions(DeploymentEntity e) {
        StringBuilder s = new StringBuilder();
        if (e.draftModel != null) {
            s.append("draftModel=").append(e.draftModel).append(';');
        }
        if (e.draftTokenCount > 0) {
            s.append("draftTokenCount=").append(e.draftTokenCount).append(';');
        }
        if (e.ngramSpeculationLength > 0) {
            s.append("ngramSpeculationLength=").append(e.ngramSpeculationLength).append(';');
        }
        if (e.enableAddons) {
            s.append("enableAddons=true;");
        }
        if (e.maxContextLength > 0) {
            s.append("maxContextLength=").append(e.maxContextLength).append(';');
        }
        return s.toString();
    }

    private static void applyServing(DeploymentEntity e, DeploymentRequest request) {
        e.deploymentShape = request.deploymentShape();
        e.draftModel = request.draftModel() == null ? null : request.draftModel().toString();
        e.draftTokenCount = request.draftTokenCount() == null ? 0 : request.draftTokenCount();
        e.ngramSpeculationLength = request.ngramSpeculationLength() == null ? 0 : request.ngramSpeculationLength();
        e.enableAddons = Boolean.TRUE.equals(request.enableAddons());
        e.maxContextLength = request.maxContextLength() == null ? 0 : request.maxContextLength();
    }

    /**
     * One page of the account's deployments. The count and the page are two reads, so a deployment created between
     * them can make {@code totalSize} off by one for that response; the keyset page itself never repeats or skips.
     */
    @WithSession
    public Uni<ListDeploymentsResponse> list(Caller caller, ListRequest request) {
        String account = request.account();
        caller.requireAccess(account);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> accountNotFound(account))
                .chain(() -> deployments.count(request))
                // One row more than the page shows whether another page follows.
                .chain(total -> deployments.page(request, request.pageSize() + 1)
                        .map(rows -> {
                            boolean more = rows.size() > request.pageSize();
                            List<DeploymentEntity> page = more ? rows.subList(0, request.pageSize()) : rows;
                            return new ListDeploymentsResponse(page.stream().map(DeploymentMapper::toApi).toList(),
                                    more ? DeploymentLists.nextPageToken(request, page.get(page.size() - 1)) : null,
                                    Math.toIntExact(total));
                        }));
    }

    /**
     * Soft-deletes a deployment ({@code DELETING} while its replicas drain, then {@code DELETED} until {@code purgeTime},
     * restorable with {@link #undelete} meanwhile), or with
     * {@code hard} removes it for good, also when it is already soft-deleted. Either way the scheduler learns it
     * from the {@code deployment.deleted} event and drains its replicas.
     */
    @WithTransaction
    public Uni<Void> delete(Caller caller, DeploymentName name, boolean hard) {
        caller.requireWrite(name.account());
        return deployments.findByNameForUpdate(name)
                .onItem().ifNull().failWith(() -> notFound(name))
                .chain(entity -> {
                    if (hard) {
                        return purge(entity, "purged by user '" + caller.userId() + "'");
                    }
                    if (entity.softDeleted()) {
                        return Uni.createFrom().failure(new FailedPreconditionException("ALREADY_DELETED",
                                "deployment '" + name + "' is already deleted; undelete it, or delete it with "
                                        + "hard=true to purge it"));
                    }
                    return softDelete(entity, "deleted by user '" + caller.userId() + "'");
                });
    }

    /**
     * Sets the deployment's desired replica count now ({@code :scale}): the scheduler applies it from the
     * {@code deployment.scale.requested} event at once; the autoscaler may move it again later by its rules (down
     * after {@code scaleDownWindow} without the load for it, to zero after {@code scaleToZeroWindow} without
     * traffic). The count must lie within the deployment's replica bounds, so zero only with minReplicaCount 0.
     * GPU quotas are not checked here: replicas beyond them wait in PENDING_SCHEDULING and the status says why.
     */
    @WithTransaction
    public Uni<Void> scale(Caller caller, DeploymentName name, ScaleDeploymentRequest body) {
        caller.requireWrite(name.account());
        if (body == null || body.replicaCount() == null) {
            throw InvalidArgumentException.field("replicaCount", "is required: the number of replicas wanted now");
        }
        int replicas = body.replicaCount();
        if (replicas < 0) {
            throw InvalidArgumentException.field("replicaCount", "must not be negative, got " + replicas);
        }
        return deployments.findByNameForUpdate(name)
                .onItem().ifNull().failWith(() -> notFound(name))
                .chain(entity -> {
                    if (entity.softDeleted()) {
                        return Uni.createFrom().failure(new FailedPreconditionException("DELETED",
                                "deployment '" + name + "' is deleted; undelete it before scaling it"));
                    }
                    if (replicas > entity.maxReplicaCount) {
                        return Uni.createFrom().failure(InvalidArgumentException.field("replicaCount",
                                "must be at most maxReplicaCount (" + entity.maxReplicaCount + "), got " + replicas
                                        + "; raise maxReplicaCount first"));
                    }
                    if (replicas < entity.minReplicaCount) {
                        return Uni.createFrom().failure(InvalidArgumentException.field("replicaCount",
                                "must be at least minReplicaCount (" + entity.minReplicaCount + "), got " + replicas
                                        + (replicas == 0 ? "; scaling to zero needs minReplicaCount 0" : "")));
                    }
                    return profiles(entity).chain(profiles -> {
                        Instant now = now();
                        entity.scaleSequence++;
                        entity.updateTime = now;
                        LOG.infof("Deployment %s: %d replica(s) requested (scale request %d)", name, replicas,
                                entity.scaleSequence);
                        return outbox.add(EventTypes.DEPLOYMENT_SCALE_REQUESTED, name.toString(),
                                new DeploymentScaleRequested(profiles.spec(entity), replicas, entity.scaleSequence,
                                        now));
                    });
                });
    }

    /**
     * Removes for good up to {@code limit} soft-deleted deployments whose {@code purgeTime} has passed, each with a
     * {@code deployment.deleted} event whose purgeTime equals its deleteTime, as a hard delete sends. Yields how many
     * it purged. Rows are locked, so two control planes never purge one twice.
     */
    @WithTransaction
    public Uni<Integer> purgeExpired(int limit) {
        Instant now = now();
        return deployments.purgeDue(now, limit).chain(due -> Multi.createFrom().iterable(due)
                .onItem().transformToUniAndConcatenate(entity -> {
                    LOG.infof("Deployment %s purged: its purgeTime %s has passed", entity.name(), entity.purgeTime);
                    return purge(entity, "purged: deleted at " + entity.deleteTime + ", restorable until "
                            + entity.purgeTime);
                })
                .collect().last()
                .replaceWith(due.size()));
    }

    /**
     * Restores a soft-deleted deployment with the same uid, as if just created: {@code CREATING}, a new generation,
     * and a {@code deployment.undeleted} event carrying its spec so the scheduler starts replicas again.
     */
    @WithTransaction
    public Uni<Deployment> undelete(Caller caller, DeploymentName name) {
        caller.requireWrite(name.account());
        return deployments.findByNameForUpdate(name)
                .onItem().ifNull().failWith(() -> notFound(name))
                .chain(entity -> {
                    if (!entity.softDeleted()) {
                        return Uni.createFrom().failure(new FailedPreconditionException("NOT_DELETED",
                                "deployment '" + name + "' is not deleted (state " + entity.state + ")"));
                    }
                    return profiles(entity).chain(profiles -> {
                        restore(entity);
                        return outbox.add(EventTypes.DEPLOYMENT_UNDELETED, name.toString(),
                                new DeploymentUndeleted(profiles.spec(entity))).replaceWith(entity);
                    });
                })
                .map(DeploymentMapper::toApi);
    }

    /**
     * The scheduler's request to delete an idle deployment: a soft delete like a user's, with the scheduler's reason
     * as the status message. A request for another uid (the name was deleted and created again) or for a deployment
     * already deleted changes nothing, so redelivery is harmless.
     */
    @WithTransaction
    public Uni<Void> deletionRequested(DeploymentDeletionRequested request) {
        DeploymentName name = DeploymentName.parse("name", request.name());
        return deployments.findByNameForUpdate(name).chain(entity -> {
            if (entity == null || !entity.uid.equals(request.uid()) || entity.softDeleted()) {
                return Uni.createFrom().voidItem();
            }
            String reason = "deleted by the scheduler"
                    + (request.reason() == null || request.reason().isEmpty() ? "" : ": " + request.reason());
            LOG.infof("Deployment %s %s", name, reason);
            return softDelete(entity, reason);
        });
    }

    /**
     * Applies the scheduler's newest report of a deployment; older or foreign (other uid) reports change nothing, so
     * redelivery is harmless.
     */
    @WithTransaction
    public Uni<Void> applyStatus(DeploymentStatusReported report) {
        DeploymentName name = DeploymentName.parse("name", report.name());
        return deployments.findByNameForUpdate(name).invoke(entity -> {
            if (entity == null || !entity.uid.equals(report.uid()) || report.sequence() <= entity.statusSequence) {
                return;
            }
            entity.statusSequence = report.sequence();
            entity.desiredReplicaCount = report.desiredReplicaCount();
            entity.replicaCount = report.replicaCount();
            entity.pendingReplicas = report.replicaStats().pendingSchedulingReplicaCount();
            entity.downloadingReplicas = report.replicaStats().downloadingModelReplicaCount();
            entity.initializingReplicas = report.replicaStats().initializingReplicaCount();
            entity.readyReplicas = report.replicaStats().readyReplicaCount();
            entity.currentRegion = report.region();
            // A deleted deployment's replica counts still fall as it drains (DELETING, then DELETED once none is
            // left), but its message stays why it was deleted and only :undelete brings it back.
            if (entity.softDeleted()) {
                if (DELETING.equals(entity.state) && entity.replicaCount == 0) {
                    entity.state = DELETED;
                    LOG.infof("Deployment %s: every replica is gone: DELETED", name);
                }
            } else {
                entity.statusMessage = report.message() == null ? "" : report.message();
                nextState(entity, report);
            }
            entity.updateTime = now();
        }).replaceWithVoid();
    }

    /**
     * CREATING or FAILED becomes READY once every desired replica is ready; UPDATING once, in addition, the scheduler
     * has seen the newest spec and no replica of an older one is left. A replica that can never be placed makes it
     * FAILED, with the scheduler's reason.
     */
    private static void nextState(DeploymentEntity entity, DeploymentStatusReported report) {
        boolean allReady = entity.readyReplicas >= entity.desiredReplicaCount;
        String before = entity.state;
        if (report.failed()) {
            entity.state = FAILED;
            entity.statusCode = "FAILED_PRECONDITION";
        } else if ((CREATING.equals(entity.state) || FAILED.equals(entity.state)) && entity.readyReplicas > 0
                && allReady) {
            entity.state = READY;
            entity.statusCode = "OK";
        } else if (UPDATING.equals(entity.state) && report.observedGeneration() >= entity.generation
                && report.outdatedReplicaCount() == 0 && allReady) {
            entity.state = READY;
            entity.statusCode = "OK";
        } else if (FAILED.equals(entity.state)) {
            entity.statusCode = "OK";
            entity.state = entity.readyReplicas > 0 ? READY : CREATING;
        }
        if (!entity.state.equals(before)) {
            LOG.infof("Deployment %s: %s -> %s with %d replica(s) ready", entity.name(), before, entity.state,
                    entity.readyReplicas);
        }
    }

    /** DELETING while the scheduler drains its replicas (DELETED once it reports none), DELETED at once without any. */
    private Uni<Void> softDelete(DeploymentEntity entity, String reason) {
        Instant now = now();
        entity.state = entity.replicaCount > 0 ? DELETING : DELETED;
        entity.statusMessage = reason;
        entity.deleteTime = now;
        entity.purgeTime = now.plus(PURGE_AFTER);
        entity.updateTime = now;
        return outbox.add(EventTypes.DEPLOYMENT_DELETED, entity.name().toString(),
                new DeploymentDeleted(entity.name().toString(), entity.uid, now, entity.purgeTime, reason));
    }

    /** A hard delete: the row goes now, and the event's purgeTime equals its deleteTime to say so. */
    private Uni<Void> purge(DeploymentEntity entity, String reason) {
        Instant now = now();
        return deployments.delete(entity)
                .call(() -> outbox.add(EventTypes.DEPLOYMENT_DELETED, entity.name().toString(),
                        new DeploymentDeleted(entity.name().toString(), entity.uid, now, now, reason)));
    }

    private void restore(DeploymentEntity entity) {
        entity.state = CREATING;
        // An undelete is not judged against a quota: its commit is not refused for one either.
        entity.quotaGpus = null;
        entity.generation++;
        entity.deleteTime = null;
        entity.purgeTime = null;
        entity.statusCode = "OK";
        entity.statusMessage = "";
        // Replica counts stay as last reported (replicas may still be draining) until the scheduler's next report;
        // so does statusSequence, so a report from before the deletion, delivered late, is still seen as old.
        entity.updateTime = now();
    }

    /** PostgreSQL keeps microseconds: cut to them, an event's times equal the stored ones a GET shows. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private DeploymentEntity newEntity(DeploymentName name, DeploymentSettings.Settled settled) {
        DeploymentRequest request = settled.request();
        ModelEntity model = settled.model();
        HardwareSizing.Hardware hw = HardwareSizing.resolve(request, model, settled.draft());
        Instant now = now();
        DeploymentEntity e = new DeploymentEntity();
        e.accountId = name.account();
        e.deploymentId = name.deployment();
        e.uid = UUID.randomUUID().toString();
        e.generation = 1;
        e.displayName = request.displayName() == null ? name.deployment() : request.displayName();
        e.description = request.description() == null ? "" : request.description();
        e.baseModel = model.name();
        e.acceleratorType = hw.type().name();
        e.acceleratorCount = hw.count();
        e.precision = hw.precision().name();
        e.placement = request.placement();
        applyServing(e, request);
        applyScaling(e, request);
        e.state = CREATING;
        e.statusCode = "OK";
        e.statusMessage = "";
        e.createTime = now;
        e.updateTime = now;
        return e;
    }

    private static void applyScaling(DeploymentEntity e, DeploymentRequest request) {
        e.minReplicaCount = request.minReplicaCount();
        e.maxReplicaCount = request.maxReplicaCount();
        e.scaleUpWindowMs = request.autoscalingPolicy().scaleUpWindow().toMillis();
        e.scaleDownWindowMs = request.autoscalingPolicy().scaleDownWindow().toMillis();
        e.scaleToZeroWindowMs = request.autoscalingPolicy().scaleToZeroWindow().toMillis();
        e.loadTargets = request.autoscalingPolicy().loadTargets();
        e.scalingSchedules = ScalingSchedule.toJson(request.autoscalingPolicy().scalingSchedules());
    }

    private static NotFoundException notFound(DeploymentName name) {
        return new NotFoundException("deployment '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(DeploymentName name) {
        return new AlreadyExistsException("deployment '" + name + "' already exists");
    }
}
