package dev.ember.scheduler.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogManager;

import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Region;
import dev.ember.scheduler.config.SchedulerConfig;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;
import dev.ember.scheduler.placement.Placer;

/**
 * The scheduler's two hot paths on synthetic fleets, in one JVM, no database: placement decisions per second over
 * 5,000 nodes with mixed shapes, and the reconciler's in-memory tick ({@link Reconciler#plan}: autoscaler, rollout,
 * placement, lifecycle and status of the deployments decided) for 10,000 deployments, once deciding every deployment
 * (as after a full load) and once in the steady state (only the deployments dirty or due, ADR 21). Run with {@code bench/scheduler.sh}; arguments: nodes deployments rounds.
 */
public final class SchedulerBench {

    private static final int[] SHAPES = {1, 1, 1, 2, 2, 4, 8};

    public static void main(String[] args) {
        LogManager.getLogManager().getLogger("").setLevel(Level.WARNING);
        Arrays.stream(LogManager.getLogManager().getLogger("").getHandlers()).forEach(h -> h.setLevel(Level.WARNING));
        int nodeCount = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int deploymentCount = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;

        List<NodeEntity> nodes = fleet(nodeCount);
        System.out.printf("fleet: %d nodes, %d GPUs, %d regions x %d accelerator types%n", nodes.size(),
                nodes.size() * 8, Region.values().length, AcceleratorType.values().length);
        placement(nodes, rounds);
        tick(nodes, deploymentCount, rounds);
    }

    /** Fills a fresh placer with mixed shapes until placements start failing, round after round. */
    static void placement(List<NodeEntity> nodes, int rounds) {
        Random random = new Random(42);
        List<List<String>> placements = new ArrayList<>();
        for (Region r : Region.values()) {
            placements.add(List.of(r.name()));
        }
        for (Region.MegaRegion m : Region.MegaRegion.values()) {
            placements.add(m.regions().stream().map(Enum::name).toList());
        }
        double[] rates = new double[rounds + 3];
        long total = 0;
        for (int round = 0; round < rates.length; round++) {
            Placer placer = new Placer(nodes, List.of(), Map.of(), null);
            int attempts = nodes.size() * 3;
            String[] types = new String[attempts];
            int[] gpus = new int[attempts];
            List<List<String>> where = new ArrayList<>(attempts);
            for (int i = 0; i < attempts; i++) {
                types[i] = AcceleratorType.values()[random.nextInt(AcceleratorType.values().length)].name();
                gpus[i] = SHAPES[random.nextInt(SHAPES.length)];
                where.add(placements.get(random.nextInt(placements.size())));
            }
            long placed = 0;
            long start = System.nanoTime();
            for (int i = 0; i < attempts; i++) {
                if (placer.place("acct-" + (i % 50), types[i], gpus[i], where.get(i), "bench").placed()) {
                    placed++;
                }
            }
            long elapsed = System.nanoTime() - start;
            rates[round] = attempts / (elapsed / 1e9);
            total += placed;
            if (round == rates.length - 1) {
                System.out.printf("placement: %d decisions per round over %d regions and mega-regions (%d placed in "
                        + "the last round, the rest found no room)%n", attempts, placements.size(), placed);
            }
        }
        double[] measured = Arrays.copyOfRange(rates, 3, rates.length);
        Arrays.sort(measured);
        System.out.printf("placement decisions/s over %d nodes: median %.0f, min %.0f, max %.0f (%d rounds after 3 "
                + "warm-up; %d placed in all)%n", nodes.size(), measured[measured.length / 2], measured[0],
                measured[measured.length - 1], measured.length, total);
    }

    /**
     * Ticks of the reconciler over a steady fleet of deployments with load: every deployment decided (as after a full
     * load), then the steady state where only what changed or fell due is.
     */
    static void tick(List<NodeEntity> nodes, int deploymentCount, int rounds) {
        Random random = new Random(7);
        Instant now = Instant.parse("2026-01-05T09:00:00Z");
        Reconciler reconciler = new Reconciler();
        reconciler.config = config();
        reconciler.init();
        List<DeploymentEntity> ds = new ArrayList<>();
        List<ReplicaEntity> live = new ArrayList<>();
        List<DeploymentLoadEntity> loads = new ArrayList<>();
        for (int i = 0; i < deploymentCount; i++) {
            DeploymentEntity d = deployment(i, random, now);
            ds.add(d);
            for (int r = 0; r < d.desiredReplicas; r++) {
                live.add(replica(reconciler, d, now));
            }
            DeploymentLoadEntity load = new DeploymentLoadEntity();
            load.deployment = d.name;
            load.instance = "dp-0";
            load.concurrentRequests = random.nextDouble() * 40 * d.desiredReplicas;
            load.requestsPerSecond = load.concurrentRequests / 2;
            load.promptTokensPerSecond = load.requestsPerSecond * 1000;
            load.generatedTokensPerSecond = load.requestsPerSecond * 200;
            load.reportedAt = now;
            loads.add(load);
        }
        // Replicas are spread over the nodes of their type first, as earlier ticks would have placed them.
        Placer seed = new Placer(nodes, List.of(), Map.of(), null);
        for (ReplicaEntity r : live) {
            List<String> regions = Region.MegaRegion.GLOBAL.regions().stream().map(Enum::name).toList();
            Placer.Placement p = seed.place("acct", r.acceleratorType, r.gpus, regions, "GLOBAL");
            if (p.placed()) {
                r.nodeId = p.node().nodeId;
                r.region = p.node().region;
            }
        }
        Fleet fleet = Fleet.loaded(ds, nodes, live, loads, List.of(), List.of(), null, 0, now);
        reconciler.plan(fleet, now);

        // Every deployment decided, as after a full load (the periodic resync's in-memory part).
        long[] full = new long[rounds + 5];
        int events = 0;
        for (int t = 0; t < full.length; t++) {
            now = now.plusMillis(500);
            touch(loads, ds, random, now);
            long start = System.nanoTime();
            fleet.changed(fleet.deploymentList(), List.of(), List.of());
            events += reconciler.plan(fleet, now).events().size();
            full[t] = System.nanoTime() - start;
        }
        report("every deployment decided (a full load)", ds.size(), fleet.live.size(), full, events, 0);

        // The steady state: 2% of the deployments report new load before each tick (each one every 25 s, within the
        // load report TTL), and only they, those they changed and those with a time rule due are decided.
        long[] steady = new long[rounds * 10 + 5];
        long decided = 0;
        events = 0;
        for (int t = 0; t < steady.length; t++) {
            now = now.plusMillis(500);
            List<DeploymentEntity> touched = new ArrayList<>();
            List<DeploymentLoadEntity> reported = new ArrayList<>();
            for (int i = t % SLICES; i < ds.size(); i += SLICES) {
                touched.add(ds.get(i));
                reported.add(loads.get(i));
            }
            touch(reported, touched, random, now);
            long start = System.nanoTime();
            fleet.changed(touched, reported, List.of());
            Reconciler.Plan plan = reconciler.plan(fleet, now);
            steady[t] = System.nanoTime() - start;
            events += plan.events().size();
            decided += t >= 5 ? plan.decided().size() : 0;
        }
        report("steady state (" + ds.size() / SLICES + " new load reports per tick)", ds.size(), fleet.live.size(),
                steady, events, decided);
    }

    /** Each tick of the steady state, one deployment in SLICES reports new load. */
    static final int SLICES = 50;

    /** New load reports, as the load handler stores them (the deployment counts as used). */
    static void touch(List<DeploymentLoadEntity> loads, List<DeploymentEntity> ds, Random random, Instant now) {
        for (int i = 0; i < loads.size(); i++) {
            DeploymentLoadEntity load = loads.get(i);
            load.concurrentRequests = random.nextDouble() * 40 * Math.max(1, ds.get(i).desiredReplicas);
            load.reportedAt = now;
            ds.get(i).lastRequestTime = now;
        }
    }

    static void report(String what, int deployments, int replicas, long[] nanos, int events, long decided) {
        long[] measured = Arrays.copyOfRange(nanos, 5, nanos.length);
        Arrays.sort(measured);
        System.out.printf("reconciler tick in memory, %s, %d deployments and %d live replicas: p50 %.1f ms, p99 "
                + "%.1f ms, max %.1f ms (%d ticks after 5 warm-up; %d events decided in all%s)%n", what, deployments,
                replicas, measured[measured.length / 2] / 1e6, measured[(int) Math.min(measured.length - 1,
                        Math.ceil(measured.length * 0.99) - 1)] / 1e6,
                measured[measured.length - 1] / 1e6, measured.length, events,
                decided == 0 ? "" : "; " + decided / measured.length + " deployments decided per tick on average");
    }

    static List<NodeEntity> fleet(int count) {
        List<NodeEntity> nodes = new ArrayList<>();
        Region[] regions = Region.values();
        AcceleratorType[] types = AcceleratorType.values();
        for (int i = 0; i < count; i++) {
            NodeEntity n = new NodeEntity();
            n.region = regions[i % regions.length].name();
            n.acceleratorType = types[(i / regions.length) % types.length].name();
            n.nodeId = n.region.toLowerCase() + "-" + n.acceleratorType.toLowerCase() + "-" + i;
            n.gpus = 8;
            nodes.add(n);
        }
        return nodes;
    }

    static DeploymentEntity deployment(int i, Random random, Instant now) {
        DeploymentEntity d = new DeploymentEntity();
        d.name = "accounts/acct-" + (i % 100) + "/deployments/d-" + i;
        d.uid = "uid-" + i;
        d.generation = 1;
        d.replicaGeneration = 1;
        d.baseModel = "accounts/fireworks/models/llama-v3p1-8b-instruct";
        d.weightBytes = 8_030_000_000L;
        d.acceleratorType = AcceleratorType.values()[random.nextInt(AcceleratorType.values().length)].name();
        d.acceleratorCount = 1;
        d.precision = "FP8";
        d.placement = "GLOBAL";
        d.pinnedRegion = Region.values()[random.nextInt(Region.values().length)].name();
        d.minReplicas = random.nextInt(4) == 0 ? 0 : 1;
        d.maxReplicas = 4;
        d.desiredReplicas = 1 + random.nextInt(2);
        d.scaleUpWindowMs = 30_000;
        d.scaleDownWindowMs = 600_000;
        d.scaleToZeroWindowMs = 3_600_000;
        d.loadTargets = "{\"default\":0.8}";
        d.scalingSchedules = i % 10 == 0
                ? "{\"peak\":{\"schedule\":\"0 8 * * Mon-Fri\",\"timezone\":\"America/New_York\",\"duration\":"
                        + "\"PT10H\",\"minReplicaCount\":2,\"description\":\"\",\"disabled\":false}}"
                : "{}";
        d.lastRequestTime = now;
        d.lastStatus = "";
        d.scalingReason = "";
        d.createTime = now;
        d.updateTime = now;
        return d;
    }

    /** A replica as the reconciler creates it, already READY. */
    static ReplicaEntity replica(Reconciler reconciler, DeploymentEntity d, Instant now) {
        ReplicaEntity r = reconciler.newReplica(d, now);
        r.state = ReplicaState.READY.name();
        r.sequence = 4;
        return r;
    }

    static SchedulerConfig config() {
        return new SchedulerConfig() {

            @Override
            public Duration reconcileInterval() {
                return Duration.ofMillis(500);
            }

            /** No bound: this benchmark measures what deciding every deployment costs (ADR 28 bounds the writes). */
            @Override
            public int maxChangesPerTick() {
                return Integer.MAX_VALUE;
            }

            @Override
            public Duration fullResyncInterval() {
                return Duration.ofMinutes(5);
            }

            @Override
            public int gpusPerNode() {
                return 8;
            }

            @Override
            public long downloadBytesPerSecond() {
                return 2_000_000_000L;
            }

            @Override
            public long loadBytesPerSecondPerGpu() {
                return 5_000_000_000L;
            }

            @Override
            public Duration serverStart() {
                return Duration.ofSeconds(2);
            }

            @Override
            public double replicaConcurrency() {
                return 32;
            }

            @Override
            public Duration loadReportTtl() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration drainTime() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration capacityReportInterval() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration deleteAfterIdle() {
                return Duration.ofDays(7);
            }

            @Override
            public Map<String, Map<String, Integer>> inventory() {
                return Map.of();
            }
        };
    }
}
