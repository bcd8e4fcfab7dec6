package dev.ember.controlplane.deployment.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentName;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<DeploymentEntity, DeploymentEntity.Key> {

    public Uni<DeploymentEntity> findByName(DeploymentName name) {
        return findById(new DeploymentEntity.Key(name));
    }

    /**
     * Reads a deployment to change it, locking its row until the transaction ends (SELECT ... FOR UPDATE). Every
     * write replaces the whole row, so without the lock a status report read before a delete committed would write
     * the old state back over DELETED.
     */
    public Uni<DeploymentEntity> findByNameForUpdate(DeploymentName name) {
        return findById(new DeploymentEntity.Key(name), LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Up to {@code limit} soft-deleted deployments whose purgeTime is at or before {@code now}, oldest first, locked
     * (FOR UPDATE: a row another transaction purged meanwhile is not returned).
     */
    public Uni<List<DeploymentEntity>> purgeDue(Instant now, int limit) {
        return find("purgeTime <= ?1 order by purgeTime, accountId, deploymentId", now)
                .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, limit).list();
    }

    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    /**
     * Up to {@code limit} deployments matching {@code request}, in its order, after its cursor. A keyset page: it
     * reads an index range (account_id, key, deployment_id), however deep the page.
     */
    public Uni<List<DeploymentEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }
}
