package dev.ember.scheduler.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventCodec;
import dev.ember.common.persistence.NativeSelects;

/**
 * The reconciler's writes of a tick as a few set-based statements (one per table, the rows passed as one JSON array),
 * and the tick counter that tells a reconciler whether its copy of the fleet is still the newest (V7, ADR 14).
 */
@ApplicationScoped
public class FleetTables {

    /** The columns a tick changes in a deployment; every other column belongs to the spec and load handlers. */
    private static final String UPDATE_DEPLOYMENTS = "update scheduler.deployment d set "
            + "desired_replicas = x.desired_replicas, above_since = x.above_since, below_since = x.below_since, "
            + "scaling_reason = x.scaling_reason, manual_zero_at = x.manual_zero_at, "
            + "deletion_requested_at = x.deletion_requested_at, pinned_region = x.pinned_region, "
            + "last_status = x.last_status, status_sequence = x.status_sequence, update_time = x.update_time "
            + "from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x(name varchar, desired_replicas int, "
            + "above_since timestamptz, below_since timestamptz, scaling_reason text, manual_zero_at timestamptz, "
            + "deletion_requested_at timestamptz, pinned_region varchar, last_status text, status_sequence bigint, "
            + "update_time timestamptz) where d.name = x.name";

    private static final String UPSERT_REPLICAS = "insert into scheduler.replica (name, deployment_name, "
            + "deployment_uid, state, node_id, region, accelerator_type, gpus, generation, sequence, "
            + "next_transition_at, message, create_time, update_time) "
            + "select name, deployment_name, deployment_uid, state, node_id, region, accelerator_type, gpus, "
            + "generation, sequence, next_transition_at, message, create_time, update_time "
            + "from jsonb_to_recordset(cast(cast(?1 as text) as jsonb)) as x(name varchar, deployment_name varchar, "
            + "deployment_uid varchar, state varchar, node_id varchar, region varchar, accelerator_type varchar, "
            + "gpus int, generation bigint, sequence bigint, next_transition_at timestamptz, message text, "
            + "create_time timestamptz, update_time timestamptz) "
            + "on conflict (name) do update set state = excluded.state, node_id = excluded.node_id, "
            + "region = excluded.region, generation = excluded.generation, sequence = excluded.sequence, "
            + "next_transition_at = excluded.next_transition_at, message = excluded.message, "
            + "update_time = excluded.update_time";

    /** Writes the tick-owned columns of these deployments; fails unless every one of them exists. */
    public Uni<Void> updateDeployments(List<DeploymentEntity> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map<String, Object>> rows = new ArrayList<>(changed.size());
        for (DeploymentEntity d : changed) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", d.name);
            row.put("desired_replicas", d.desiredReplicas);
            row.put("above_since", text(d.aboveSince));
            row.put("below_since", text(d.belowSince));
            row.put("scaling_reason", d.scalingReason);
            row.put("manual_zero_at", text(d.manualZeroAt));
            row.put("deletion_requested_at", text(d.deletionRequestedAt));
            row.put("pinned_region", d.pinnedRegion);
            row.put("last_status", d.lastStatus);
            row.put("status_sequence", d.statusSequence);
            row.put("update_time", text(d.updateTime));
            rows.add(row);
        }
        return execute(UPDATE_DEPLOYMENTS, rows, "deployment");
    }

    /** Inserts new replicas and writes changed ones in full; fails unless every row was written. */
    public Uni<Void> upsertReplicas(List<ReplicaEntity> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map<String, Object>> rows = new ArrayList<>(changed.size());
        for (ReplicaEntity r : changed) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name);
            row.put("deployment_name", r.deploymentName);
            row.put("deployment_uid", r.deploymentUid);
            row.put("state", r.state);
            row.put("node_id", r.nodeId);
            row.put("region", r.region);
            row.put("accelerator_type", r.acceleratorType);
            row.put("gpus", r.gpus);
            row.put("generation", r.generation);
            row.put("sequence", r.sequence);
            row.put("next_transition_at", text(r.nextTransitionAt));
            row.put("message", r.message);
            row.put("create_time", text(r.createTime));
            row.put("update_time", text(r.updateTime));
            rows.add(row);
        }
        return execute(UPSERT_REPLICAS, rows, "replica");
    }

    /** The number of reconciler ticks committed so far. */
    public Uni<Long> ticks() {
        return Panache.getSession().chain(s -> NativeSelects.create(s,
                "select ticks from scheduler.reconciler_epoch where id in (:id)", Long.class, "id", 1)
                .getSingleResult());
    }

    /**
     * Counts one more tick and returns the newest change number, this transaction's writes included. Fails when the
     * count is no longer {@code expected} (another writer counted since), so a stale copy is never written back.
     */
    public Uni<Long> advance(long expected) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "update scheduler.reconciler_epoch set ticks = ticks + 1 where id = 1 and ticks = ?1")
                .setParameter(1, expected).executeUpdate()
                .chain(updated -> {
                    if (updated != 1) {
                        return Uni.createFrom().failure(new IllegalStateException(
                                "the reconciler epoch moved during the tick: another writer ticked"));
                    }
                    return NativeSelects.create(s, "select case when is_called then last_value else 0 end from "
                            + "scheduler.change_seq where 1 in (:one)", Long.class, "one", 1).getSingleResult();
                }));
    }

    /** Makes every reconciler drop its copy of the fleet and load it again, e.g. after the inventory changed. */
    public Uni<Void> invalidate() {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "update scheduler.reconciler_epoch set ticks = ticks + 1 where id = 1").executeUpdate())
                .replaceWithVoid();
    }

    private static Uni<Void> execute(String sql, List<Map<String, Object>> rows, String table) {
        return Panache.getSession().chain(s -> s.createNativeQuery(sql).setParameter(1, EventCodec.toJson(rows))
                .executeUpdate()).chain(written -> written == rows.size()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new IllegalStateException("wrote " + written + " of " + rows.size()
                                + " " + table + " rows: the database no longer holds what the reconciler read")));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
