package dev.ember.scheduler.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;
import dev.ember.scheduler.placement.Placer;

/**
 * The reconciler's copy of the scheduler's tables, as its last committed tick left them (ADR 14): every deployment,
 * live replica, active node, load report and quota, detached from any session, and what the next tick must decide
 * (ADR 21): the deployments made dirty by a change, the due index of those whose next time rule falls due at an
 * instant, and those with a replica waiting for GPUs of a type. Only the reconciler changes it, one tick at a time; a
 * tick that fails drops it, and the next tick loads the fleet again.
 */
final class Fleet {

    /** By name: the order the reconciler decides deployments in, whatever loaded them. */
    final TreeMap<String, DeploymentEntity> deployments = new TreeMap<>();
    /** Replicas that are not TERMINATED, oldest first (the order a full load reads them in). */
    final LinkedHashMap<String, ReplicaEntity> live = new LinkedHashMap<>();
    /** The live replicas of each deployment, in the same order. */
    private final Map<String, List<ReplicaEntity>> replicasOf = new HashMap<>();
    final List<NodeEntity> nodes;
    /** The nodes' columns by ID, for the rolling resync's comparison. */
    private final Map<String, NodeRow> nodeRows = new HashMap<>();
    final Map<QuotaEntity.Key, QuotaEntity> quotas = new HashMap<>();
    final Map<DeploymentLoadEntity.Key, DeploymentLoadEntity> loads = new HashMap<>();
    /** The load reports of each deployment, by data-plane instance. */
    private final Map<String, Map<String, DeploymentLoadEntity>> loadsOf = new HashMap<>();
    /** The clock time the rolling resync last read a slice (or the fleet was loaded in full). */
    private Instant resyncedAt;
    /** The last deployment name the rolling resync read; "" : its next slice starts at the first name. */
    private String resyncAfter = "";
    /** The last node ID the rolling resync read; "" : its next slice starts at the first. */
    private String nodeAfter = "";
    /** The clock time every quota and the jobs' GPUs were last read. */
    Instant quotasReadAt;
    /** The reconciler ticks counted in the database when this copy was last known to be the newest. */
    long ticks;
    /** The newest change number (V7) this copy includes: rows changed after it are read again on the next tick. */
    long seen;

    /** The GPUs running jobs hold, as last read. */
    private List<Placer.Holding> jobHoldings;
    private final Long defaultQuota;
    /** Free GPUs per node and quota usage, kept across ticks: placements take, ended replicas give back. */
    private Placer placer;

    /** Deployments the next tick decides whatever the clock says: something about them changed. */
    private final TreeSet<String> dirty = new TreeSet<>();
    /** Deployments a tick left for the next one (it reached its most changes), decided first, in this order. */
    private final LinkedHashSet<String> deferred = new LinkedHashSet<>();
    /** The due index: deployments by the instant their next time rule falls due. */
    private final TreeMap<Instant, Set<String>> due = new TreeMap<>();
    private final Map<String, Instant> dueOf = new HashMap<>();
    /** Accelerator type -> deployments with a replica waiting for GPUs of that type. */
    private final Map<String, Set<String>> waiting = new HashMap<>();

    private Fleet(List<NodeEntity> nodes, List<Placer.Holding> jobHoldings, Long defaultQuota, long ticks,
            Instant loadedAt) {
        this.nodes = List.copyOf(nodes);
        for (NodeEntity n : this.nodes) {
            nodeRows.put(n.nodeId, NodeRow.of(n));
        }
        this.jobHoldings = List.copyOf(jobHoldings);
        this.defaultQuota = defaultQuota;
        this.ticks = ticks;
        this.resyncedAt = loadedAt;
        this.quotasReadAt = loadedAt;
    }

    /**
     * A fleet loaded in full, every deployment dirty; {@code defaultQuota} is the GPU quota of pools an account set
     * none for (null: no limit).
     */
    static Fleet loaded(List<DeploymentEntity> ds, List<NodeEntity> ns, List<ReplicaEntity> rs,
            List<DeploymentLoadEntity> ls, List<QuotaEntity> qs, List<Placer.Holding> jobHoldings, Long defaultQuota,
            long ticks, Instant now) {
        Fleet fleet = new Fleet(ns, jobHoldings, defaultQuota, ticks, now);
        for (ReplicaEntity r : rs) {
            fleet.add(r);
        }
        fleet.changed(ds, ls, qs);
        fleet.rebuildPlacer();
        return fleet;
    }

    /**
     * Takes the rows other writers inserted or updated since the last tick, in place of the copies held, and marks
     * the deployments they concern dirty. A changed quota builds the placer again and wakes every waiting replica.
     */
    void changed(List<DeploymentEntity> ds, List<DeploymentLoadEntity> ls, List<QuotaEntity> qs) {
        for (DeploymentEntity d : ds) {
            deployments.put(d.name, d);
            dirty.add(d.name);
        }
        for (DeploymentLoadEntity l : ls) {
            loads.put(new DeploymentLoadEntity.Key(l.deployment, l.instance), l);
            loadsOf.computeIfAbsent(l.deployment, k -> new HashMap<>()).put(l.instance, l);
            if (deployments.containsKey(l.deployment)) {
                dirty.add(l.deployment);
            }
        }
        for (QuotaEntity q : qs) {
            quotas.put(new QuotaEntity.Key(q.account, q.acceleratorType, q.region), q);
        }
        if (!qs.isEmpty() && placer != null) {
            rebuildPlacer();
            wakeAllWaiting();
        }
    }

    /** Running jobs took or gave back GPUs: the placer is built again and every waiting replica tries again. */
    void jobsChanged(List<Placer.Holding> holdings) {
        jobHoldings = List.copyOf(holdings);
        rebuildPlacer();
        wakeAllWaiting();
    }

    Placer placer() {
        return placer;
    }

    /**
     * The rolling resync (ADR 32): the share of the fleet the tick at {@code now} reads again, the clock time since the
     * last slice over {@code interval}, so that every row is read again at least once per interval; 0 when the clock
     * has not moved since.
     */
    double resyncShare(Instant now, Duration interval) {
        long elapsed = Duration.between(resyncedAt, now).toNanos();
        return elapsed <= 0 ? 0 : (double) elapsed / Math.max(1, interval.toNanos());
    }

    /** How many of {@code size} rows a slice of {@code share} reads: rounded up, at least one, at most all. */
    static int slice(int size, double share) {
        return share <= 0 ? 0 : (int) Math.max(1, Math.min(size, Math.ceil(size * share)));
    }

    int deploymentSlice(double share) {
        return slice(deployments.size(), share);
    }

    int nodeSlice(double share) {
        return slice(nodes.size(), share);
    }

    /** The last deployment name the rolling resync read; the next slice starts after it ("" : at the first name). */
    String resyncAfter() {
        return resyncAfter;
    }

    /** The last node ID the rolling resync read; the next slice starts after it ("" : at the first). */
    String nodeAfter() {
        return nodeAfter;
    }

    /**
     * Takes what the rolling resync read for the deployments named after {@link #resyncAfter()} up to {@code last}
     * (inclusive, in the database's order of names): their rows, their live replicas and their load reports, in place
     * of the copies held. Each of them is decided again; replicas that differ from the copies (a write outside the
     * reconciler's rules) replace them and the placer is built again. {@code wrapped}: the slice reached the last
     * name, so the next starts at the first; {@code last} null: no deployment after {@link #resyncAfter()}.
     */
    void resynced(List<DeploymentEntity> ds, List<ReplicaEntity> rs, List<DeploymentLoadEntity> ls, String last,
            boolean wrapped, Instant now) {
        changed(ds, ls, List.of());
        Map<String, List<ReplicaEntity>> stored = new HashMap<>();
        for (ReplicaEntity r : rs) {
            stored.computeIfAbsent(r.deploymentName, k -> new ArrayList<>()).add(r);
        }
        // The database's order of names, not this copy's: both queries of the slice use the same collation.
        Set<String> names = new TreeSet<>(stored.keySet());
        ds.forEach(d -> names.add(d.name));
        boolean drift = false;
        for (String name : names) {
            List<ReplicaEntity> held = replicasOf.getOrDefault(name, List.of());
            List<ReplicaEntity> read = stored.getOrDefault(name, List.of());
            if (!sameReplicas(held, read)) {
                held.forEach(r -> live.remove(r.name));
                replicasOf.remove(name);
                read.forEach(this::add);
                dirty.add(name);
                drift = true;
            }
        }
        if (drift) {
            rebuildPlacer();
        }
        resyncAfter = wrapped || last == null ? "" : last;
        resyncedAt = now;
    }

    /**
     * Whether the active nodes the rolling resync read (the next after {@link #nodeAfter()}, in the database's order)
     * are those of this copy; {@code wrapped}: the slice reached the last node, and {@code activeCount} (then read) is
     * how many active nodes the database holds. The inventory changes only at a start, which loads everything: a
     * difference is a write outside the rules, and the reconciler loads the whole fleet again.
     */
    boolean nodesMatch(List<NodeEntity> read, boolean wrapped, long activeCount) {
        boolean match = read.stream().allMatch(n -> NodeRow.of(n).equals(nodeRows.get(n.nodeId)))
                && (!wrapped || activeCount == nodes.size());
        nodeAfter = wrapped || read.isEmpty() ? "" : read.get(read.size() - 1).nodeId;
        return match;
    }

    /** Whether every quota and the GPUs running jobs hold are due to be read again ({@code interval} after the last). */
    boolean quotasDue(Instant now, Duration interval) {
        return !now.isBefore(quotasReadAt.plus(interval));
    }

    /**
     * The rolling resync's read of every quota and the GPUs running jobs hold, once per interval. If a quota or a
     * job's holding differs from the copy, the placer is built again and every waiting replica tries again.
     */
    void resyncedQuotas(List<QuotaEntity> qs, List<Placer.Holding> js, Instant now) {
        Map<QuotaEntity.Key, QuotaEntity> read = new HashMap<>();
        for (QuotaEntity q : qs) {
            read.put(new QuotaEntity.Key(q.account, q.acceleratorType, q.region), q);
        }
        boolean changed = !quotaValues(quotas).equals(quotaValues(read)) || !jobHoldings.equals(js);
        quotas.clear();
        quotas.putAll(read);
        jobHoldings = List.copyOf(js);
        quotasReadAt = now;
        if (changed) {
            rebuildPlacer();
            wakeAllWaiting();
        }
    }

    private static boolean sameReplicas(List<ReplicaEntity> held, List<ReplicaEntity> read) {
        if (held.size() != read.size()) {
            return false;
        }
        Map<String, Reconciler.ReplicaMark> marks = new HashMap<>();
        for (ReplicaEntity r : held) {
            marks.put(r.name, Reconciler.ReplicaMark.of(r));
        }
        for (ReplicaEntity r : read) {
            if (!Reconciler.ReplicaMark.of(r).equals(marks.get(r.name))) {
                return false;
            }
        }
        return true;
    }

    private record NodeRow(String region, String acceleratorType, int gpus) {

        static NodeRow of(NodeEntity n) {
            return new NodeRow(n.region, n.acceleratorType, n.gpus);
        }
    }

    private static Map<QuotaEntity.Key, Long> quotaValues(Map<QuotaEntity.Key, QuotaEntity> qs) {
        Map<QuotaEntity.Key, Long> values = new HashMap<>();
        qs.forEach((key, q) -> values.put(key, q.gpus));
        return values;
    }

    /**
     * The deployments this tick decides: first those the last tick left (ADR 28), then, in name order, every dirty one
     * and every one whose due instant is not after {@code now}. They leave the dirty set and the due index; deciding
     * them sets them again, and those the tick does not get to are {@link #defer deferred}.
     */
    List<DeploymentEntity> takeDecided(Instant now) {
        Map<Instant, Set<String>> reached = due.headMap(now, true);
        for (Set<String> names : reached.values()) {
            dirty.addAll(names);
            names.forEach(dueOf::remove);
        }
        reached.clear();
        List<DeploymentEntity> decided = new ArrayList<>(deferred.size() + dirty.size());
        for (String name : deferred) {
            take(name, decided);
        }
        for (String name : dirty) {
            if (!deferred.contains(name)) {
                take(name, decided);
            }
        }
        deferred.clear();
        dirty.clear();
        return decided;
    }

    private void take(String name, List<DeploymentEntity> decided) {
        DeploymentEntity d = deployments.get(name);
        if (d != null) {
            decided.add(d);
            unschedule(name);
        }
    }

    /** These deployments, taken but not decided by this tick, are the first the next tick decides, in this order. */
    void defer(List<DeploymentEntity> rest) {
        rest.forEach(d -> deferred.add(d.name));
    }

    /** Whether a tick left deployments for the next one. */
    boolean hasDeferred() {
        return !deferred.isEmpty();
    }

    /** The next tick decides this deployment again. */
    void markDirty(String deployment) {
        dirty.add(deployment);
    }

    /** The deployment is decided again at {@code at} (replacing any earlier entry); null: no time rule pending. */
    void schedule(String deployment, Instant at) {
        unschedule(deployment);
        if (at != null) {
            dueOf.put(deployment, at);
            due.computeIfAbsent(at, k -> new HashSet<>()).add(deployment);
        }
    }

    private void unschedule(String deployment) {
        Instant at = dueOf.remove(deployment);
        if (at != null) {
            Set<String> names = due.get(at);
            names.remove(deployment);
            if (names.isEmpty()) {
                due.remove(at);
            }
        }
    }

    /** The accelerator types a deployment has a replica waiting for (none: it waits for nothing). */
    void waiting(String deployment, Set<String> acceleratorTypes) {
        waiting.forEach((type, names) -> {
            if (!acceleratorTypes.contains(type)) {
                names.remove(deployment);
            }
        });
        for (String type : acceleratorTypes) {
            waiting.computeIfAbsent(type, k -> new HashSet<>()).add(deployment);
        }
    }

    /** GPUs of this type were given back: every deployment waiting for them tries again on the next tick. */
    void capacityFreed(String acceleratorType) {
        Set<String> names = waiting.get(acceleratorType);
        if (names != null) {
            dirty.addAll(names);
        }
    }

    private void wakeAllWaiting() {
        waiting.values().forEach(dirty::addAll);
    }

    /** The live replicas of a deployment, oldest first (a copy). */
    List<ReplicaEntity> replicasOf(String deployment) {
        List<ReplicaEntity> rs = replicasOf.get(deployment);
        return rs == null ? new ArrayList<>() : new ArrayList<>(rs);
    }

    /** The load reports of a deployment, fresh or not. */
    Collection<DeploymentLoadEntity> loadsOf(String deployment) {
        Map<String, DeploymentLoadEntity> ls = loadsOf.get(deployment);
        return ls == null ? List.of() : ls.values();
    }

    /** Adds the replicas a tick created and forgets those of these deployments it terminated. */
    void replicasChanged(List<ReplicaEntity> created, Collection<DeploymentEntity> decided) {
        for (ReplicaEntity r : created) {
            add(r);
        }
        for (DeploymentEntity d : decided) {
            List<ReplicaEntity> rs = replicasOf.get(d.name);
            if (rs == null) {
                continue;
            }
            rs.removeIf(r -> {
                if (ReplicaState.TERMINATED.name().equals(r.state)) {
                    live.remove(r.name);
                    return true;
                }
                return false;
            });
            if (rs.isEmpty()) {
                replicasOf.remove(d.name);
            }
        }
    }

    private void add(ReplicaEntity r) {
        live.put(r.name, r);
        replicasOf.computeIfAbsent(r.deploymentName, k -> new ArrayList<>()).add(r);
    }

    private void rebuildPlacer() {
        placer = freshPlacer();
    }

    /**
     * A placer built from the nodes, the live replicas, the jobs' GPUs and the quotas (replicas share the nodes with
     * running jobs): what {@link #placer()}, kept across ticks, must equal after every tick.
     */
    Placer freshPlacer() {
        Map<String, Long> limits = new HashMap<>();
        for (QuotaEntity q : quotas.values()) {
            limits.put(Placer.quotaKey(q.account, q.acceleratorType, q.region), q.gpus);
        }
        List<Placer.Holding> holdings = new ArrayList<>(Placer.holdings(new ArrayList<>(live.values())));
        holdings.addAll(jobHoldings);
        return new Placer(nodes, holdings, limits, defaultQuota);
    }

    List<DeploymentEntity> deploymentList() {
        return new ArrayList<>(deployments.values());
    }

    List<ReplicaEntity> liveList() {
        return new ArrayList<>(live.values());
    }
}
