package dev.ember.controlplane.shape.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentShapeName;

@ApplicationScoped
public class DeploymentShapeRepository
        implements
            PanacheRepositoryBase<DeploymentShapeEntity, DeploymentShapeEntity.Key> {

    public Uni<DeploymentShapeEntity> findByName(DeploymentShapeName name) {
        return findById(new DeploymentShapeEntity.Key(name));
    }

    /** The account's shapes, for one base model when {@code baseModel} is given. */
    public Uni<List<DeploymentShapeEntity>> listOf(String account, String baseModel) {
        Parameters params = Parameters.with("account", account);
        String query = "accountId = :account";
        if (baseModel != null) {
            query += " and baseModel = :baseModel";
            params.and("baseModel", baseModel);
        }
        return list(query, Sort.by("shapeId"), params);
    }
}
