package dev.ember.controlplane.model.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ModelName;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class ModelRepository implements PanacheRepositoryBase<ModelEntity, ModelEntity.Key> {

    public Uni<ModelEntity> findByName(ModelName name) {
        return findById(new ModelEntity.Key(name.account(), name.model()));
    }

    /**
     * Reads a model to change it, locking its row until the transaction ends, so an upload that completes and a
     * validation (or a deletion) of the same model happen one after the other.
     */
    public Uni<ModelEntity> findByNameForUpdate(ModelName name) {
        return findById(new ModelEntity.Key(name.account(), name.model()), LockModeType.PESSIMISTIC_WRITE);
    }

    /** How many models match the list request, on every page together. */
    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    /** Up to {@code limit} models of the list request, in its order, after its cursor. */
    public Uni<List<ModelEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }

    /** The LoRA addons trained on {@code baseModel}, at most {@code limit} of them. */
    public Uni<List<ModelEntity>> addonsOf(ModelName baseModel, int limit) {
        return find("peftBaseModel = ?1 order by accountId, modelId", baseModel.toString()).page(0, limit).list();
    }
}
