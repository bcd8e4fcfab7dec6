package dev.ember.controlplane.shape.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentShapeName;

@ApplicationScoped
public class DeploymentShapeVersionRepository
        implements
            PanacheRepositoryBase<DeploymentShapeVersionEntity, DeploymentShapeVersionEntity.Key> {

    public Uni<DeploymentShapeVersionEntity> find(DeploymentShapeName shape, long version) {
        return findById(new DeploymentShapeVersionEntity.Key(shape, version));
    }

    /**
     * The account's versions: of one shape when {@code shapeId} is given (else of every shape), for one base model
     * when {@code baseModel} is given, only the latest of each shape when {@code latestOnly}.
     */
    public Uni<List<DeploymentShapeVersionEntity>> listOf(String account, String shapeId, String baseModel,
            boolean latestOnly) {
        Parameters params = Parameters.with("account", account);
        StringBuilder query = new StringBuilder("accountId = :account");
        if (shapeId != null) {
            query.append(" and shapeId = :shape");
            params.and("shape", shapeId);
        }
        if (baseModel != null) {
            query.append(" and baseModel = :baseModel");
            params.and("baseModel", baseModel);
        }
        if (latestOnly) {
            query.append(" and latest = true");
        }
        return list(query.toString(), Sort.by("shapeId").and("version"), params);
    }
}
