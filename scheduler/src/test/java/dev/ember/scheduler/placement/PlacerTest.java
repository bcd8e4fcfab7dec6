package dev.ember.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ember.scheduler.persistence.NodeEntity;

class PlacerTest {

    static final String H100 = "NVIDIA_H100_80GB";

    static NodeEntity node(String id, String region, String type) {
        NodeEntity n = new NodeEntity();
        n.nodeId = id;
        n.region = region;
        n.acceleratorType = type;
        n.gpus = 8;
        return n;
    }

    static List<NodeEntity> nodes(String region, String type, int count) {
        List<NodeEntity> ns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ns.add(node(region.toLowerCase().replace('_', '-') + "-" + type.toLowerCase() + "-" + i, region, type));
        }
        return ns;
    }

    @Test
    void smallReplicasPackOntoTheFullestNodeAndKeepWholeNodesFree() {
        Placer placer = new Placer(nodes("US_IOWA_1", H100, 3),
                List.of(new Placer.Holding("acme", "us-iowa-1-nvidia_h100_80gb-1", H100, 6)));

        Placer.Placement two = placer.place("acme", H100, 2, List.of("US_IOWA_1"), "US_IOWA_1");
        assertThat(two.node().nodeId).isEqualTo("us-iowa-1-nvidia_h100_80gb-1");

        Placer.Placement one = placer.place("acme", H100, 1, List.of("US_IOWA_1"), "US_IOWA_1");
        assertThat(one.node().nodeId).isEqualTo("us-iowa-1-nvidia_h100_80gb-0");

        // Two whole nodes are gone now (one full, one with 7 free): an 8-GPU replica takes the last empty one.
        assertThat(placer.place("acme", H100, 8, List.of("US_IOWA_1"), "US_IOWA_1").node().nodeId)
                .isEqualTo("us-iowa-1-nvidia_h100_80gb-2");
        Placer.Placement none = placer.place("acme", H100, 8, List.of("US_IOWA_1"), "US_IOWA_1");
        assertThat(none.placed()).isFalse();
        assertThat(none.reason()).isEqualTo("no NVIDIA_H100_80GB capacity for 8 GPU(s) in US_IOWA_1");
    }

    @Test
    void aMegaRegionFallsOverToTheNextRegionWhenOneIsFull() {
        List<NodeEntity> ns = new ArrayList<>(nodes("EU_FRANKFURT_1", H100, 1));
        ns.addAll(nodes("EU_ICELAND_1", H100, 1));
        Placer placer = new Placer(ns, List.of());
        List<String> europe = List.of("EU_FRANKFURT_1", "EU_ICELAND_1");

        assertThat(placer.place("acme", H100, 8, europe, "EUROPE").node().region).isEqualTo("EU_FRANKFURT_1");
        assertThat(placer.place("acme", H100, 8, europe, "EUROPE").node().region).isEqualTo("EU_ICELAND_1");
        assertThat(placer.place("acme", H100, 8, europe, "EUROPE").reason())
                .isEqualTo("no NVIDIA_H100_80GB capacity for 8 GPU(s) in EUROPE");
    }

    @Test
    void anAccountNeverHoldsMoreThanItsQuotaInARegion() {
        List<NodeEntity> ns = new ArrayList<>(nodes("US_IOWA_1", H100, 2));
        ns.addAll(nodes("US_TEXAS_1", H100, 2));
        Placer placer = new Placer(ns, List.of(new Placer.Holding("acme", "us-iowa-1-nvidia_h100_80gb-0", H100, 4)),
                Map.of(Placer.quotaKey("acme", H100, "US_IOWA_1"), 8L), 16L);

        assertThat(placer.place("acme", H100, 4, List.of("US_IOWA_1"), "US_IOWA_1").placed()).isTrue();
        Placer.Placement over = placer.place("acme", H100, 1, List.of("US_IOWA_1"), "US_IOWA_1");
        assertThat(over.reason()).isEqualTo("GPU quota of account acme reached: h100-us-iowa-1 (8 of 8 GPUs in use)");
        // Another account has its own quota; in a mega-region the replica goes where the quota allows.
        assertThat(placer.place("globex", H100, 1, List.of("US_IOWA_1"), "US_IOWA_1").placed()).isTrue();
        assertThat(placer.place("acme", H100, 1, List.of("US_IOWA_1", "US_TEXAS_1"), "US").node().region)
                .isEqualTo("US_TEXAS_1");
        // The default quota (16) bounds regions without a quota of their own.
        assertThat(placer.place("acme", H100, 8, List.of("US_TEXAS_1"), "US_TEXAS_1").placed()).isTrue();
        assertThat(placer.place("acme", H100, 8, List.of("US_TEXAS_1"), "US_TEXAS_1").reason())
                .isEqualTo("GPU quota of account acme reached: h100-us-texas-1 (9 of 16 GPUs in use)");
    }

    @Test
    void theRoomiestRegionAndNeverFittingReplicasAreTold() {
        List<NodeEntity> ns = new ArrayList<>(nodes("US_IOWA_1", H100, 1));
        ns.addAll(nodes("US_TEXAS_1", H100, 3));
        Placer placer = new Placer(ns, List.of());
        assertThat(placer.roomiestRegion("acme", H100, 8, List.of("US_IOWA_1", "US_TEXAS_1"))).contains("US_TEXAS_1");
        assertThat(placer.neverFits(H100, 8, List.of("US_IOWA_1"))).isEmpty();
        assertThat(placer.neverFits("NVIDIA_B200_180GB", 8, List.of("US_IOWA_1", "US_TEXAS_1")))
                .contains("no region in US_IOWA_1, US_TEXAS_1 has NVIDIA_B200_180GB nodes");
        assertThat(placer.capacity()).extracting(Placer.Capacity::region).containsExactly("US_IOWA_1", "US_TEXAS_1");
    }
}
