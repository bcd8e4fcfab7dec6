package dev.ember.controlplane.quota.persistence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.persistence.NativeSelects;
import dev.ember.controlplane.region.persistence.RegionPoolEntity;

@ApplicationScoped
public class QuotaRepository implements PanacheRepositoryBase<QuotaEntity, QuotaEntity.Key> {

    /**
     * What the account's live deployments hold per accelerator type and region, from the table a trigger on the
     * deployment table keeps at each commit (migrations V17 and V18: each deployment counts max(desired, replicas,
     * minimum, 1 while CREATING) replicas of its GPUs in its current region, or in the region its placement names
     * before it has one; a multi-region placement not yet placed counts nowhere), and the excluded deployment's stored
     * share taken off again, as a negative holding.
     */
    private static final String HOLDINGS = "select 'held', region, accelerator_type, gpus from {h-schema}gpu_holding "
            + "where account_id = :account and gpus <> 0 union all select 'held', {h-schema}deployment_holding_region("
            + "current_region, placement), accelerator_type, -{h-schema}deployment_gpus(state, desired_replica_count, "
            + "replica_count, min_replica_count, accelerator_count) from {h-schema}deployment where account_id = "
            + ":account and deployment_id = :excluded and {h-schema}deployment_holding_region(current_region, "
            + "placement) is not null";

    /**
     * GPUs an account's deployments hold or are about to, in one region of one accelerator type (negative: a
     * deployment's own share, left out of the sum).
     */
    public record GpuHolding(String acceleratorType, String region, long gpus) {
    }

    /**
     * What a deployment's capacity checks read, in one statement: whether the account exists, the GPU pools the
     * scheduler reported, the account's stored quota values (by quota ID) and its deployments' holdings.
     */
    public record Capacity(boolean accountExists, List<RegionPoolEntity> pools, Map<String, Long> quotaValues,
            List<GpuHolding> holdings) {
    }

    public Uni<List<QuotaEntity>> listByAccount(String accountId) {
        return list("accountId", accountId);
    }

    /**
     * The {@link Capacity} of an account; {@code excludedDeployment} (a deployment ID, may be null) is left out of
     * the holdings: a deployment being updated is judged without its own GPUs. Nothing is locked: a write judged on
     * it is checked again when it commits (ADR 30). Nothing read becomes managed.
     */
    public Uni<Capacity> capacity(String account, String excludedDeployment) {
        String sql = "select 'account', null, null, cast(null as bigint) from {h-schema}account where account_id in "
                + "(:accounts) union all select 'pool', region, accelerator_type, cast(null as bigint) from "
                + "{h-schema}region_pool union all select 'quota', quota_id, null, value from {h-schema}quota where "
                + "account_id = :account union all " + HOLDINGS;
        return getSession().chain(session -> NativeSelects.create(session, sql, Object[].class, "accounts", account)
                .setParameter("account", account)
                .setParameter("excluded", excludedDeployment == null ? "" : excludedDeployment)
                .getResultList())
                .map(rows -> {
                    boolean exists = false;
                    List<RegionPoolEntity> pools = new ArrayList<>();
                    Map<String, Long> quotas = new HashMap<>();
                    List<GpuHolding> holdings = new ArrayList<>();
                    for (Object[] r : rows) {
                        switch ((String) r[0]) {
                            case "account" -> exists = true;
                            case "pool" -> pools.add(RegionPoolEntity.of((String) r[1], (String) r[2]));
                            case "quota" -> quotas.put((String) r[1], ((Number) r[3]).longValue());
                            default -> holdings.add(new GpuHolding((String) r[2], (String) r[1],
                                    ((Number) r[3]).longValue()));
                        }
                    }
                    return new Capacity(exists, pools, quotas, holdings);
                });
    }
}
