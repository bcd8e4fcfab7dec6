package dev.ember.controlplane.deployment.service;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployment.api.Deployment;
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
                .onItem().ifNull().failWith(() -> new NotFoundException("deployment '" + name + "' does not exist"))
                .map(DeploymentMapper::toApi);
    }

    /**
     * Applies the scheduler's newest report of a deployment; older or foreign (other uid) reports change nothing, so
     * redelivery is harmless.
     */
    @WithTransaction
    public Uni<Void> applyStatus(DeploymentStatusReported report) {
        DeploymentName name = DeploymentName.parse("name", report.name());
        return deployments.findByName(name).invoke(entity -> {
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
            entity.statusMessage = report.message() == null ? "" : report.message();
            if (CREATING.equals(entity.state) && entity.readyReplicas > 0
                    && entity.readyReplicas >= entity.desiredReplicaCount) {
                entity.state = READY;
                LOG.infof("Deployment %s is READY with %d replica(s)", name, entity.readyReplicas);
            }
            entity.updateTime = clock.instant();
        }).replaceWithVoid();
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

    private static AlreadyExistsException alreadyExists(DeploymentName name) {
        return new AlreadyExistsException("deployment '" + name + "' already exists");
    }
}
