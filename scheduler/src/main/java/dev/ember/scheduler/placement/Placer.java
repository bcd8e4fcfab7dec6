package dev.ember.scheduler.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;

/**
 * Free GPUs per node, and where the next replica goes. A replica needs all its GPUs on one node; among the nodes that
 * fit, the fullest wins (best fit), which keeps whole nodes free for large replicas.
 */
public final class Placer {

    /** A node and how many of its GPUs are taken. */
    public static final class Slot {

        final NodeEntity node;
        int used;

        Slot(NodeEntity node) {
            this.node = node;
        }

        public NodeEntity node() {
            return node;
        }

        int free() {
            return node.gpus - used;
        }
    }

    public record Capacity(String region, String acceleratorType, int totalGpus, int usedGpus, int freeGpus) {
    }

    private final Map<String, Slot> slots = new LinkedHashMap<>();

    public Placer(List<NodeEntity> nodes, List<ReplicaEntity> replicas) {
        nodes.stream().sorted(Comparator.comparing((NodeEntity n) -> n.nodeId))
                .forEach(n -> slots.put(n.nodeId, new Slot(n)));
        for (ReplicaEntity r : replicas) {
            if (r.nodeId != null && ReplicaState.valueOf(r.state).holdsGpus() && slots.containsKey(r.nodeId)) {
                slots.get(r.nodeId).used += r.gpus;
            }
        }
    }

    /** Reserves {@code gpus} GPUs of {@code type} on one node in one of {@code regions}. */
    public Optional<NodeEntity> place(String type, int gpus, List<String> regions) {
        Optional<Slot> best = slots.values().stream()
                .filter(s -> s.node.acceleratorType.equals(type) && regions.contains(s.node.region) && s.free() >= gpus)
                .min(Comparator.comparingInt(Slot::free));
        best.ifPresent(s -> s.used += gpus);
        return best.map(Slot::node);
    }

    /** The region among {@code regions} where a replica of this size fits on the most nodes; empty when none. */
    public Optional<String> roomiestRegion(String type, int gpus, List<String> regions) {
        Map<String, Integer> fitting = new HashMap<>();
        for (Slot s : slots.values()) {
            if (s.node.acceleratorType.equals(type) && regions.contains(s.node.region) && s.free() >= gpus) {
                fitting.merge(s.node.region, s.free() / gpus, Integer::sum);
            }
        }
        return regions.stream().filter(fitting::containsKey)
                .max(Comparator.comparingInt(fitting::get));
    }

    /** Total, used and free GPUs per region and accelerator type. */
    public List<Capacity> capacity() {
        Map<String, int[]> totals = new LinkedHashMap<>();
        for (Slot s : slots.values()) {
            int[] t = totals.computeIfAbsent(s.node.region + "/" + s.node.acceleratorType, k -> new int[2]);
            t[0] += s.node.gpus;
            t[1] += s.used;
        }
        List<Capacity> result = new ArrayList<>();
        totals.forEach((key, t) -> {
            String[] parts = key.split("/");
            result.add(new Capacity(parts[0], parts[1], t[0], t[1], t[0] - t[1]));
        });
        return result;
    }
}
