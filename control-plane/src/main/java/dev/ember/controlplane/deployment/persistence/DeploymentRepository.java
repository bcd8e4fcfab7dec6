package dev.ember.controlplane.deployment.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentName;

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

    /** GPUs an account's deployments hold or are about to, per accelerator type and region. */
    public record GpuHolding(String acceleratorType, String region, long gpus) {
    }

    /**
     * What the account's live deployments hold per accelerator type and region, summed in the database: each counts
     * max(desired, replicas, minimum, 1 while CREATING) replicas of its GPUs in its current region, or in the region
     * its placement names before it has one (a mega-region placement not yet placed counts nowhere). {@code excluding}
     * (may be null) is left out: a deployment being updated is judged without its own GPUs.
     */
    public Uni<List<GpuHolding>> gpuHoldings(String account, DeploymentName excluding) {
        String hql = "select d.acceleratorType, coalesce(d.currentRegion, d.placement), sum(greatest("
                + "d.desiredReplicaCount, d.replicaCount, d.minReplicaCount, case when d.state = 'CREATING' then 1 "
                + "else 0 end) * d.acceleratorCount) from DeploymentEntity d where d.accountId = :account and "
                + "d.state <> :deleted" + (excluding == null ? "" : " and d.deploymentId <> :excluded")
                + " group by d.acceleratorType, d.currentRegion, d.placement";
        return getSession().chain(session -> {
            var query = session.createSelectionQuery(hql, Object[].class)
                    .setParameter("account", account)
                    .setParameter("deleted", DeploymentEntity.DELETED);
            if (excluding != null) {
                query.setParameter("excluded", excluding.deployment());
            }
            return query.getResultList();
        }).map(rows -> rows.stream().map(r -> new GpuHolding((String) r[0], (String) r[1],
                ((Number) r[2]).longValue())).toList());
    }

    /** How many deployments match {@code query}, on every page together. */
    public Uni<Long> count(DeploymentQuery query) {
        Parameters params = new Parameters();
        return count(where(query, params), params);
    }

    /**
     * Up to {@code limit} deployments matching {@code query}, in its order, starting after {@code after} (from the
     * first when null). A keyset page: it reads an index range, however deep the page.
     */
    public Uni<List<DeploymentEntity>> page(DeploymentQuery query, DeploymentQuery.Cursor after, int limit) {
        Parameters params = new Parameters();
        StringBuilder hql = new StringBuilder("from DeploymentEntity where ").append(where(query, params));
        DeploymentQuery.SortKey key = query.order().key();
        boolean tieBreak = key != DeploymentQuery.SortKey.NAME;
        String direction = query.order().descending() ? " desc" : "";
        if (after != null) {
            String op = query.order().descending() ? " < " : " > ";
            if (tieBreak) {
                // A row comparison, which PostgreSQL answers from the (account_id, key, deployment_id) index.
                hql.append(" and (").append(key.attribute()).append(", deploymentId)").append(op)
                        .append("(:afterKey, :afterId)");
                params.and("afterKey", after.key());
            } else {
                hql.append(" and deploymentId").append(op).append(":afterId");
            }
            params.and("afterId", after.deploymentId());
        }
        hql.append(" order by ").append(key.attribute()).append(direction);
        if (tieBreak) {
            hql.append(", deploymentId").append(direction);
        }
        return find(hql.toString(), params).page(0, limit).list();
    }

    private static String where(DeploymentQuery query, Parameters params) {
        StringBuilder where = new StringBuilder("accountId = :account");
        params.and("account", query.accountId());
        if (!query.showDeleted()) {
            where.append(" and state <> :deleted");
            params.and("deleted", DeploymentEntity.DELETED);
        }
        int i = 0;
        for (DeploymentQuery.Condition condition : query.conditions()) {
            String param = "value" + i++;
            where.append(" and ").append(condition.field().attribute()).append(" = :").append(param);
            params.and(param, condition.value());
        }
        return where.toString();
    }
}
