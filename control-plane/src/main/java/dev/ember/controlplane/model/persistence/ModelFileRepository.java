package dev.ember.controlplane.model.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ModelName;

@ApplicationScoped
public class ModelFileRepository implements PanacheRepositoryBase<ModelFileEntity, ModelFileEntity.Key> {

    /** The files a model's upload declared, by name. */
    public Uni<List<ModelFileEntity>> ofModel(ModelName model) {
        return find("accountId = ?1 and modelId = ?2 order by filename", model.account(), model.model()).list();
    }

    public Uni<ModelFileEntity> find(ModelName model, String filename) {
        return findById(new ModelFileEntity.Key(model.account(), model.model(), filename));
    }
}
