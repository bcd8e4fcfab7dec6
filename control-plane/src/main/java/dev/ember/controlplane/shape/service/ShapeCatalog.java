package dev.ember.controlplane.shape.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentShapeName;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;
import dev.ember.controlplane.model.service.ModelCatalog;
import dev.ember.controlplane.shape.persistence.DeploymentShapeEntity;
import dev.ember.controlplane.shape.persistence.DeploymentShapeRepository;
import dev.ember.controlplane.shape.persistence.DeploymentShapeVersionEntity;
import dev.ember.controlplane.shape.persistence.DeploymentShapeVersionRepository;

/**
 * Seeds the catalog models' shapes at every start, after the catalog itself ({@code Bootstrap}): for each shape
 * {@link ShapeRules} computes, a new version when the snapshot differs from the latest one (a new shape starts at
 * version 1), nothing when it is the same. So a restart adds no versions, and a changed rule (or a new catalog
 * model) adds exactly the versions it changes. Serialised across control-plane replicas by an advisory lock.
 */
@ApplicationScoped
public class ShapeCatalog {

    private static final Logger LOG = Logger.getLogger(ShapeCatalog.class);
    private static final long ADVISORY_LOCK = 0x7368617065L; // "shape"

    /** Computes the shapes of one model; {@code catalog} holds every model of the seeded account. */
    @FunctionalInterface
    public interface Rules {

        List<ShapeSnapshot> shapesFor(ModelEntity model, List<ModelEntity> catalog);
    }

    @Inject
    DeploymentShapeRepository shapes;

    @Inject
    DeploymentShapeVersionRepository versions;

    @Inject
    ModelRepository models;

    @Inject
    ModelCatalog catalog;

    @Inject
    Clock clock;

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent ignored) throws Throwable {
        int added = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::seedCatalog));
        LOG.infof("Deployment shapes of the catalog seeded: %d new version(s)", added);
    }

    /** The catalog account's shapes by {@link ShapeRules}; yields how many versions were added. In a transaction. */
    public Uni<Integer> seedCatalog() {
        String account = catalog.catalogAccount();
        return models.list("accountId", account)
                .chain(catalogModels -> seed(account, catalogModels, ShapeRules::shapesFor));
    }

    /**
     * Brings the shapes of {@code account} for {@code catalogModels} up to date with {@code rules}; yields how many
     * versions were added. In a transaction.
     */
    public Uni<Integer> seed(String account, List<ModelEntity> catalogModels, Rules rules) {
        List<ShapeSnapshot> wanted = new ArrayList<>();
        for (ModelEntity model : catalogModels) {
            wanted.addAll(rules.shapesFor(model, catalogModels));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("select pg_advisory_xact_lock(" + ADVISORY_LOCK + ")")
                        .getSingleResult())
                .chain(() -> Multi.createFrom().iterable(wanted)
                        .onItem().transformToUniAndConcatenate(snapshot -> apply(account, snapshot, now))
                        .collect().asList())
                .map(added -> added.stream().mapToInt(Integer::intValue).sum());
    }

    /** 1 when a version was added, 0 when the latest version already is {@code snapshot}. */
    private Uni<Integer> apply(String account, ShapeSnapshot snapshot, Instant now) {
        DeploymentShapeName name = new DeploymentShapeName(account, snapshot.shapeId());
        return shapes.findByName(name).chain(shape -> {
            if (shape == null) {
                DeploymentShapeEntity fresh = new DeploymentShapeEntity();
                fresh.accountId = account;
                fresh.shapeId = snapshot.shapeId();
                fresh.baseModel = snapshot.baseModel();
                fresh.presetType = snapshot.presetType();
                fresh.latestVersion = 1;
                fresh.createTime = now;
                fresh.updateTime = now;
                return shapes.persist(fresh).chain(() -> versions.persist(version(account, snapshot, 1, now)))
                        .replaceWith(1);
            }
            return versions.find(name, shape.latestVersion).chain(latest -> {
                if (latest != null && snapshot(latest).equals(snapshot)) {
                    return Uni.createFrom().item(0);
                }
                long next = shape.latestVersion + 1;
                if (latest != null) {
                    latest.latest = false;
                }
                shape.latestVersion = next;
                shape.updateTime = now;
                LOG.infof("Deployment shape %s changed: version %d", name, next);
                return versions.persist(version(account, snapshot, next, now)).replaceWith(1);
            });
        });
    }

    private static DeploymentShapeVersionEntity version(String account, ShapeSnapshot s, long number, Instant now) {
        DeploymentShapeVersionEntity v = new DeploymentShapeVersionEntity();
        v.accountId = account;
        v.shapeId = s.shapeId();
        v.version = number;
        v.latest = true;
        v.validated = true;
        v.publicVersion = true;
        v.createTime = now;
        v.displayName = s.displayName();
        v.description = s.description();
        v.baseModel = s.baseModel();
        v.modelType = s.modelType();
        v.parameterCount = s.parameterCount();
        v.presetType = s.presetType();
        v.acceleratorType = s.acceleratorType();
        v.acceleratorCount = s.acceleratorCount();
        v.precision = s.precision();
        v.draftModel = s.draftModel();
        v.draftTokenCount = s.draftTokenCount();
        v.ngramSpeculationLength = s.ngramSpeculationLength();
        v.enableAddons = s.enableAddons();
        v.maxContextLength = s.maxContextLength();
        return v;
    }

    /** What a stored version fixes, comparable with what the rules compute. */
    static ShapeSnapshot snapshot(DeploymentShapeVersionEntity v) {
        return new ShapeSnapshot(v.shapeId, v.presetType, v.displayName, v.description, v.baseModel, v.modelType,
                v.parameterCount, v.acceleratorType, v.acceleratorCount, v.precision, v.draftModel,
                v.draftTokenCount, v.ngramSpeculationLength, v.enableAddons, v.maxContextLength);
    }
}
