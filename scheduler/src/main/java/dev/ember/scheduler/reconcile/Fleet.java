package dev.ember.scheduler.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;

/**
 * The reconciler's copy of the scheduler's tables, as its last committed tick left them (ADR 14): every deployment,
 * live replica, active node, load report and quota, detached from any session. Only the reconciler changes it, one
 * tick at a time; a tick that fails drops it, and the next tick loads the fleet again.
 */
final class Fleet {

    /** By name: the order the reconciler decides deployments in, whatever loaded them. */
    final TreeMap<String, DeploymentEntity> deployments = new TreeMap<>();
    /** Replicas that are not TERMINATED, oldest first (the order a full load reads them in). */
    final LinkedHashMap<String, ReplicaEntity> live = new LinkedHashMap<>();
    final List<NodeEntity> nodes;
    final Map<QuotaEntity.Key, QuotaEntity> quotas = new HashMap<>();
    final Map<DeploymentLoadEntity.Key, DeploymentLoadEntity> loads = new HashMap<>();
    /** When the fleet was loaded in full; a full load comes again after {@code scheduler.full-resync-interval}. */
    final Instant loadedAt;
    /** The reconciler ticks counted in the database when this copy was last known to be the newest. */
    long ticks;
    /** The newest change number (V7) this copy includes: rows changed after it are read again on the next tick. */
    long seen;

    private Fleet(List<NodeEntity> nodes, long ticks, Instant loadedAt) {
        this.nodes = List.copyOf(nodes);
        this.ticks = ticks;
        this.loadedAt = loadedAt;
    }

    static Fleet loaded(List<DeploymentEntity> ds, List<NodeEntity> ns, List<ReplicaEntity> rs,
            List<DeploymentLoadEntity> ls, List<QuotaEntity> qs, long ticks, Instant now) {
        Fleet fleet = new Fleet(ns, ticks, now);
        for (ReplicaEntity r : rs) {
            fleet.live.put(r.name, r);
        }
        fleet.changed(ds, ls, qs);
        return fleet;
    }

    /** Takes the rows other writers inserted or updated since the last tick, in place of the copies held. */
    void changed(List<DeploymentEntity> ds, List<DeploymentLoadEntity> ls, List<QuotaEntity> qs) {
        for (DeploymentEntity d : ds) {
            deployments.put(d.name, d);
        }
        for (DeploymentLoadEntity l : ls) {
            loads.put(new DeploymentLoadEntity.Key(l.deployment, l.instance), l);
        }
        for (QuotaEntity q : qs) {
            quotas.put(new QuotaEntity.Key(q.account, q.acceleratorType, q.region), q);
        }
    }

    /** Adds the replicas a tick created and forgets those it terminated. */
    void replicasChanged(List<ReplicaEntity> created) {
        for (ReplicaEntity r : created) {
            live.put(r.name, r);
        }
        live.values().removeIf(r -> ReplicaState.TERMINATED.name().equals(r.state));
    }

    List<DeploymentEntity> deploymentList() {
        return new ArrayList<>(deployments.values());
    }

    List<ReplicaEntity> liveList() {
        return new ArrayList<>(live.values());
    }
}
