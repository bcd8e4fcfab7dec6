package dev.ember.controlplane.deployedmodel.service;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.ember.common.persistence.NativeSelects;
import dev.ember.common.reactive.SingleFlight;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelEntity;
import dev.ember.controlplane.deployedmodel.persistence.DeployedModelRepository;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;

/**
 * Keeps deployed models level with their deployments, every {@code ember.deployed-models.reconcile-interval}:
 * DEPLOYING ones become DEPLOYED once their deployment serves; any whose deployment was deleted (or deleted and
 * created again: another uid) becomes UNDEPLOYING; UNDEPLOYING ones are removed once the unload time passed on the
 * clock. Reading the deployment's stored state rather than reacting to single events makes a missed or repeated tick
 * harmless. A PostgreSQL advisory lock lets one control plane at a time do it.
 */
@ApplicationScoped
public class DeployedModelReconciler {

    static final int BATCH = 200;
    private static final long ADVISORY_LOCK = 0x6c6f7261L; // "lora"

    @Inject
    DeployedModelRepository deployedModels;

    @Inject
    DeploymentRepository deployments;

    @Inject
    DeployedModelService service;

    @Inject
    DeployedModelConfig config;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    private SingleFlight flight;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        flight = new SingleFlight(vertx, "Deployed model reconciler", () -> tick().map(count -> count >= BATCH));
        timer = flight.every(config.reconcileInterval().toMillis());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (flight != null) {
            flight.stop();
            vertx.cancelTimer(timer);
        }
    }

    /** One pass, in one transaction; returns how many deployed models it looked at. */
    Uni<Integer> tick() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> NativeSelects.create(session, "select pg_try_advisory_xact_lock(:lock)",
                        Boolean.class, "lock", ADVISORY_LOCK).getSingleResult())
                .chain(locked -> locked
                        ? deployedModels.needingWork(clock.instant().minus(config.unloadTime()),
                                DeployedModelService.SERVING, BATCH)
                        : Uni.createFrom().item(List.<DeployedModelEntity>of()))
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(this::reconcile)
                        .collect().last()
                        .replaceWith(rows.size())));
    }

    private Uni<Void> reconcile(DeployedModelEntity entity) {
        if (DeployedModelEntity.UNDEPLOYING.equals(entity.state)) {
            return service.remove(entity);
        }
        return deployments.findByName(entity.deployment()).chain(deployment -> {
            if (gone(entity, deployment)) {
                return service.undeploy(entity, "deployment '" + entity.deployment() + "' was deleted");
            }
            if (DeployedModelEntity.DEPLOYING.equals(entity.state) && DeployedModelService.serving(deployment)) {
                return service.deployed(entity);
            }
            return Uni.createFrom().voidItem();
        });
    }

    private static boolean gone(DeployedModelEntity entity, DeploymentEntity deployment) {
        return deployment == null || !deployment.uid.equals(entity.deploymentUid) || deployment.softDeleted();
    }
}
