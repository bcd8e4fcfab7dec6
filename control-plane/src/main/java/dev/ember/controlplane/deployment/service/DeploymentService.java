package dev.ember.controlplane.deployment.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentDeletionRequested;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ModelName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployment.api.Deployment;
import dev.ember.controlplane.deployment.api.ListDeploymentsResponse;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;

/** Deployments: validation, storage and their events, each change in one transaction with its outbox row. */
@ApplicationScoped
public class DeploymentService {

    public static final String CREATING = "CREATING";
    public static final String READY = "READY";
    public static final String DELETED = DeploymentEntity.DELETED;
    /**
     * How long a soft-deleted deployment stays restorable with :undelete, shown as {@code purgeTime}. Nothing purges
     * rows when it passes yet; {@code hard=true} purges at once.
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
    Outbox outbox;

    @Inject
    Clock clock;

    @WithTransaction
    public Uni<Deployment> create(Caller caller, String account, String deploymentId, Deployment body,
            boolean validateOnly) {
        caller.requireWrite(account);
        DeploymentName name = new DeploymentName(account, DeploymentRequest.deploymentId(deploymentId));
        DeploymentRequest request = DeploymentRequest.validate(body);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> models.findByName(request.baseModel()))
                .onItem().ifNull().failWith(() -> InvalidArgumentException.field("baseModel",
                        "model '" + request.baseModel() + "' does not exist"))
                .chain(model -> deployments.findByName(name)
                        .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                        .replaceWith(model))
                .chain(model -> {
                    DeploymentEntity entity = newEntity(name, request, model);
                    if (validateOnly) {
                        return Uni.createFrom().item(entity);
                    }
                    return deployments.persist(entity)
                            .call(deployments::flush)
                            .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                            .call(() -> outbox.add(EventTypes.DEPLOYMENT_CREATED, name.toString(),
                                    new DeploymentCreated(DeploymentMapper.spec(entity, model.profile()))));
                })
                .map(DeploymentMapper::toApi);
    }

    @WithSession
    public Uni<Deployment> get(Caller caller, DeploymentName name) {
        caller.requireAccess(name.account());
        return deployments.findByName(name)
                .onItem().ifNull().failWith(() -> notFound(name))
                .map(DeploymentMapper::toApi);
    }

    /**
     * One page of the account's deployments. The count and the page are two reads, so a deployment created between
     * them can make {@code totalSize} off by one for that response; the keyset page itself never repeats or skips.
     */
    @WithSession
    public Uni<ListDeploymentsResponse> list(Caller caller, DeploymentListRequest request) {
        String account = request.query().accountId();
        caller.requireAccess(account);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> deployments.count(request.query()))
                // One row more than the page shows whether another page follows.
                .chain(total -> deployments.page(request.query(), request.after(), request.pageSize() + 1)
                        .map(rows -> {
                            boolean more = rows.size() > request.pageSize();
                            List<DeploymentEntity> page = more ? rows.subList(0, request.pageSize()) : rows;
                            return new ListDeploymentsResponse(page.stream().map(DeploymentMapper::toApi).toList(),
                                    more ? request.nextPageToken(page.get(page.size() - 1)) : null,
                                    Math.toIntExact(total));
                        }));
    }

    /**
     * Soft-deletes a deployment ({@code DELETED} until {@code purgeTime}, restorable with {@link #undelete}), or with
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
                    if (DELETED.equals(entity.state)) {
                        return Uni.createFrom().failure(new FailedPreconditionException("ALREADY_DELETED",
                                "deployment '" + name + "' is already deleted; undelete it, or delete it with "
                                        + "hard=true to purge it"));
                    }
                    return softDelete(entity, "deleted by user '" + caller.userId() + "'");
                });
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
                    if (!DELETED.equals(entity.state)) {
                        return Uni.createFrom().failure(new FailedPreconditionException("NOT_DELETED",
                                "deployment '" + name + "' is not deleted (state " + entity.state + ")"));
                    }
                    return models.findByName(ModelName.parse("baseModel", entity.baseModel))
                            .onItem().ifNull().failWith(() -> new FailedPreconditionException("MODEL_NOT_FOUND",
                                    "the base model '" + entity.baseModel + "' of deployment '" + name
                                            + "' no longer exists"))
                            .chain(model -> {
                                restore(entity);
                                return outbox.add(EventTypes.DEPLOYMENT_UNDELETED, name.toString(),
                                        new DeploymentUndeleted(DeploymentMapper.spec(entity, model.profile())))
                                        .replaceWith(entity);
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
            if (entity == null || !entity.uid.equals(request.uid()) || DELETED.equals(entity.state)) {
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
            // A deleted deployment's replica counts still fall as it drains, but its message stays why it was deleted
            // and only :undelete changes its state.
            if (!DELETED.equals(entity.state)) {
                entity.statusMessage = report.message() == null ? "" : report.message();
            }
            if (CREATING.equals(entity.state) && entity.readyReplicas > 0
                    && entity.readyReplicas >= entity.desiredReplicaCount) {
                entity.state = READY;
                LOG.infof("Deployment %s is READY with %d replica(s)", name, entity.readyReplicas);
            }
            entity.updateTime = clock.instant();
        }).replaceWithVoid();
    }

    private Uni<Void> softDelete(DeploymentEntity entity, String reason) {
        Instant now = now();
        entity.state = DELETED;
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

    private DeploymentEntity newEntity(DeploymentName name, DeploymentRequest request, ModelEntity model) {
        HardwareSizing.Hardware hw = HardwareSizing.resolve(request, model);
        Instant now = clock.instant();
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
        e.minReplicaCount = request.minReplicaCount();
        e.maxReplicaCount = request.maxReplicaCount();
        e.placement = request.placement();
        e.scaleUpWindowMs = request.autoscalingPolicy().scaleUpWindow().toMillis();
        e.scaleDownWindowMs = request.autoscalingPolicy().scaleDownWindow().toMillis();
        e.scaleToZeroWindowMs = request.autoscalingPolicy().scaleToZeroWindow().toMillis();
        e.loadTargets = request.autoscalingPolicy().loadTargets();
        e.state = CREATING;
        e.statusCode = "OK";
        e.statusMessage = "";
        e.createTime = now;
        e.updateTime = now;
        return e;
    }

    private static NotFoundException notFound(DeploymentName name) {
        return new NotFoundException("deployment '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(DeploymentName name) {
        return new AlreadyExistsException("deployment '" + name + "' already exists");
    }
}
