package dev.ember.controlplane.model.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ModelName;

@ApplicationScoped
public class ModelRepository implements PanacheRepositoryBase<ModelEntity, ModelEntity.Key> {

    public Uni<ModelEntity> findByName(ModelName name) {
        return findById(new ModelEntity.Key(name.account(), name.model()));
    }
}
