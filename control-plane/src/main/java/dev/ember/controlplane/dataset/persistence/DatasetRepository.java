package dev.ember.controlplane.dataset.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DatasetName;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class DatasetRepository implements PanacheRepositoryBase<DatasetEntity, DatasetEntity.Key> {

    public Uni<DatasetEntity> findByName(DatasetName name) {
        return findById(new DatasetEntity.Key(name.account(), name.dataset()));
    }

    /** Reads a dataset to change it, locking its row until the transaction ends. */
    public Uni<DatasetEntity> findByNameForUpdate(DatasetName name) {
        return findById(new DatasetEntity.Key(name.account(), name.dataset()), LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    public Uni<List<DatasetEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }
}
