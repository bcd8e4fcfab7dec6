package dev.ember.scheduler.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.GpuQuota;
import dev.ember.common.hardware.Region;
import dev.ember.common.name.DeploymentName;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;

/**
 * Free GPUs per node, and where the next replica goes. A replica needs all its GPUs on one node; among the nodes that
 * fit, the fullest wins (best fit, ties to the lowest node ID), which keeps whole nodes free for large replicas.
 * Nodes are indexed by accelerator type, region and free GPUs, so a placement costs a few map lookups per region
 * whatever the size of the fleet. An account's replicas never hold more GPUs of a type in a region than its quota.
 */
public final class Placer {

    /** A node and how many of its GPUs are taken. */
    private static final class Slot {

        final NodeEntity node;
        int used;

        Slot(NodeEntity node) {
            this.node = node;
        }

        int free() {
            return node.gpus - used;
        }
    }

    public record Capacity(String region, String acceleratorType, int totalGpus, int usedGpus, int freeGpus) {
    }

    /** Where a replica went, or why it could not go anywhere. */
    public record Placement(NodeEntity node, String reason) {

        public boolean placed() {
            return node != null;
        }
    }

    /** A replica holding GPUs: whose, what and where. */
    public record Holding(String account, String nodeId, String acceleratorType, int gpus) {
    }

    private static final Comparator<Slot> BY_NODE_ID = Comparator.comparing(s -> s.node.nodeId);

    private final Map<String, Slot> slots = new HashMap<>();
    /** type -> region -> free GPUs -> nodes with that many free. */
    private final Map<String, Map<String, NavigableMap<Integer, TreeSet<Slot>>>> index = new HashMap<>();
    /** account/type/region -> GPUs its replicas hold. */
    private final Map<String, Long> usage = new HashMap<>();
    /** type -> region -> the most GPUs one node has (the inventory is fixed for a placer's life). */
    private final Map<String, Map<String, Integer>> largestNode = new HashMap<>();
    /** region/type -> total and used GPUs of the pool, kept as GPUs are taken and released. */
    private final Map<String, int[]> pools = new TreeMap<>();
    private final Map<String, Long> quotas;
    private final Long defaultQuota;

    /**
     * {@code quotas}: GPU limits keyed by {@link #quotaKey}; {@code defaultQuota} applies where none is set (null: no
     * limit).
     */
    public Placer(List<NodeEntity> nodes, List<Holding> holdings, Map<String, Long> quotas, Long defaultQuota) {
        this.quotas = quotas;
        this.defaultQuota = defaultQuota;
        for (NodeEntity n : nodes) {
            slots.put(n.nodeId, new Slot(n));
            pool(n)[0] += n.gpus;
            largestNode.computeIfAbsent(n.acceleratorType, t -> new HashMap<>()).merge(n.region, n.gpus, Math::max);
        }
        for (Holding h : holdings) {
            Slot s = slots.get(h.nodeId());
            if (s != null) {
                s.used += h.gpus();
                pool(s.node)[1] += h.gpus();
                usage.merge(quotaKey(h.account(), h.acceleratorType(), s.node.region), (long) h.gpus(), Long::sum);
            }
        }
        slots.values().forEach(this::index);
    }

    public Placer(List<NodeEntity> nodes, List<Holding> holdings) {
        this(nodes, holdings, Map.of(), null);
    }

    /** What the live replicas hold: those with a node, in a state that holds GPUs. */
    public static List<Holding> holdings(List<ReplicaEntity> replicas) {
        List<Holding> holdings = new ArrayList<>();
        for (ReplicaEntity r : replicas) {
            if (r.nodeId != null && ReplicaState.valueOf(r.state).holdsGpus()) {
                holdings.add(new Holding(DeploymentName.parse("name", r.deploymentName).account(), r.nodeId,
                        r.acceleratorType, r.gpus));
            }
        }
        return holdings;
    }

    public static String quotaKey(String account, String acceleratorType, String region) {
        return account + "/" + acceleratorType + "/" + region;
    }

    /**
     * Reserves {@code gpus} GPUs of {@code type} on one node in one of {@code regions}, within the account's quota;
     * {@code where} names the regions in a reason (a region or mega-region).
     */
    public Placement place(String account, String type, int gpus, List<String> regions, String where) {
        List<String> blocked = new ArrayList<>();
        Slot best = null;
        for (String region : regions) {
            long limit = quota(account, type, region);
            long used = usage.getOrDefault(quotaKey(account, type, region), 0L);
            if (used + gpus > limit) {
                blocked.add(quotaId(type, region) + " (" + used + " of " + limit + " GPUs in use)");
                continue;
            }
            Slot candidate = bestFit(type, region, gpus);
            if (candidate != null && (best == null || candidate.free() < best.free()
                    || candidate.free() == best.free() && BY_NODE_ID.compare(candidate, best) < 0)) {
                best = candidate;
            }
        }
        if (best == null) {
            if (!blocked.isEmpty() && blocked.size() == regions.size()) {
                return new Placement(null, "GPU quota of account " + account + " reached: "
                        + String.join(", ", blocked));
            }
            return new Placement(null, "no " + type + " capacity for " + gpus + " GPU(s) in " + where
                    + (blocked.isEmpty() ? "" : "; GPU quota reached: " + String.join(", ", blocked)));
        }
        take(best, gpus);
        usage.merge(quotaKey(account, type, best.node.region), (long) gpus, Long::sum);
        return new Placement(best.node, "");
    }

    /**
     * Gives back the GPUs a replica or job held on a node (it ended): they count as free for the next placements and
     * no longer against the account's quota. A node no longer in the inventory is ignored.
     */
    public void release(String account, String nodeId, int gpus) {
        Slot s = slots.get(nodeId);
        if (s == null) {
            return;
        }
        unindex(s);
        s.used -= gpus;
        pool(s.node)[1] -= gpus;
        index(s);
        usage.merge(quotaKey(account, s.node.acceleratorType, s.node.region), (long) -gpus, Long::sum);
    }

    /**
     * The region among {@code regions} where a replica of this size fits the most times within the account's quota;
     * empty when it fits nowhere.
     */
    public Optional<String> roomiestRegion(String account, String type, int gpus, List<String> regions) {
        String roomiest = null;
        long most = 0;
        for (String region : regions) {
            long room = quota(account, type, region) - usage.getOrDefault(quotaKey(account, type, region), 0L);
            long fits = 0;
            NavigableMap<Integer, TreeSet<Slot>> byFree = byFree(type, region);
            if (byFree != null) {
                for (Map.Entry<Integer, TreeSet<Slot>> e : byFree.tailMap(gpus, true).entrySet()) {
                    fits += (long) (e.getKey() / gpus) * e.getValue().size();
                }
            }
            fits = Math.min(fits, room / gpus);
            if (fits > most) {
                most = fits;
                roomiest = region;
            }
        }
        return Optional.ofNullable(roomiest);
    }

    /**
     * Why a replica of this size can never be placed in {@code regions} with the inventory as configured (no node of
     * the type there, or none with that many GPUs); empty when it could be once capacity frees up.
     */
    public Optional<String> neverFits(String type, int gpus, List<String> regions) {
        // A lookup per region, not a scan of every node: a burst asks this for every new replica.
        Map<String, Integer> byRegion = largestNode.getOrDefault(type, Map.of());
        int largest = 0;
        for (String region : regions) {
            largest = Math.max(largest, byRegion.getOrDefault(region, 0));
        }
        if (largest >= gpus) {
            return Optional.empty();
        }
        return Optional.of(largest == 0
                ? "no region in " + String.join(", ", regions) + " has " + type + " nodes"
                : "no " + type + " node in " + String.join(", ", regions) + " has " + gpus + " GPUs (at most "
                        + largest + ")");
    }

    /** Total, used and free GPUs per region and accelerator type, sorted. */
    public List<Capacity> capacity() {
        List<Capacity> result = new ArrayList<>();
        pools.forEach((key, t) -> {
            String[] parts = key.split("/");
            result.add(new Capacity(parts[0], parts[1], t[0], t[1], t[0] - t[1]));
        });
        return result;
    }

    private long quota(String account, String type, String region) {
        Long limit = quotas.get(quotaKey(account, type, region));
        if (limit != null) {
            return limit;
        }
        return defaultQuota == null ? Long.MAX_VALUE : defaultQuota;
    }

    private static String quotaId(String type, String region) {
        Optional<AcceleratorType> t = AcceleratorType.find(type);
        Optional<Region> r = Region.find(region);
        return t.isPresent() && r.isPresent() ? new GpuQuota(t.get(), r.get()).id() : type + "/" + region;
    }

    private Slot bestFit(String type, String region, int gpus) {
        NavigableMap<Integer, TreeSet<Slot>> byFree = byFree(type, region);
        if (byFree == null) {
            return null;
        }
        Map.Entry<Integer, TreeSet<Slot>> fit = byFree.ceilingEntry(gpus);
        return fit == null ? null : fit.getValue().first();
    }

    private NavigableMap<Integer, TreeSet<Slot>> byFree(String type, String region) {
        Map<String, NavigableMap<Integer, TreeSet<Slot>>> byRegion = index.get(type);
        return byRegion == null ? null : byRegion.get(region);
    }

    private void take(Slot s, int gpus) {
        unindex(s);
        s.used += gpus;
        pool(s.node)[1] += gpus;
        index(s);
    }

    private int[] pool(NodeEntity n) {
        return pools.computeIfAbsent(n.region + "/" + n.acceleratorType, k -> new int[2]);
    }

    private void index(Slot s) {
        if (s.free() <= 0) {
            return;
        }
        index.computeIfAbsent(s.node.acceleratorType, k -> new HashMap<>())
                .computeIfAbsent(s.node.region, k -> new TreeMap<>())
                .computeIfAbsent(s.free(), k -> new TreeSet<>(BY_NODE_ID))
                .add(s);
    }

    private void unindex(Slot s) {
        NavigableMap<Integer, TreeSet<Slot>> byFree = byFree(s.node.acceleratorType, s.node.region);
        if (byFree == null) {
            return;
        }
        TreeSet<Slot> set = byFree.get(s.free());
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                byFree.remove(s.free());
            }
        }
    }
}
