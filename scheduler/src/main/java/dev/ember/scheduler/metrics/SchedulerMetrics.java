package dev.ember.scheduler.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;
import dev.ember.scheduler.placement.Placer;

/**
 * The scheduler's view on {@code /q/metrics}, as the last reconcile tick of this instance left it: replicas per
 * deployment and state, desired replicas, GPUs per pool (region and accelerator type), and how long ticks take. With
 * several scheduler instances only the one holding the lock runs ticks, so read the gauges with {@code max by}.
 */
@ApplicationScoped
public class SchedulerMetrics {

    public static final String REPLICAS = "ember.scheduler.replicas";
    public static final String DESIRED_REPLICAS = "ember.scheduler.desired.replicas";
    public static final String GPUS_TOTAL = "ember.scheduler.gpus.total";
    public static final String GPUS_USED = "ember.scheduler.gpus.used";
    public static final String GPUS_FREE = "ember.scheduler.gpus.free";
    public static final String TICK = "ember.scheduler.tick";
    public static final String DECIDED = "ember.scheduler.deployments.decided";

    /** States a replica is counted in; TERMINATED replicas are gone. */
    static final List<ReplicaState> COUNTED = List.of(ReplicaState.PENDING_SCHEDULING, ReplicaState.DOWNLOADING_MODEL,
            ReplicaState.INITIALIZING, ReplicaState.READY, ReplicaState.DRAINING);

    /** Buckets of the tick histogram: a tick is milliseconds when idle, seconds with thousands of replicas. */
    static final Duration[] TICK_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    @Inject
    MeterRegistry registry;

    /** The gauges of each deployment shown, by name. */
    private final Map<String, DeploymentGauges> byDeployment = new HashMap<>();
    private MultiGauge gpusTotal;
    private MultiGauge gpusUsed;
    private MultiGauge gpusFree;
    private Counter decided;

    @PostConstruct
    void register() {
        decided = Counter.builder(DECIDED)
                .description("Deployments the reconcile ticks decided: dirty ones and those with a time rule due")
                .register(registry);
        gpusTotal = MultiGauge.builder(GPUS_TOTAL).description("GPUs in a pool").register(registry);
        gpusUsed = MultiGauge.builder(GPUS_USED).description("GPUs of a pool held by replicas").register(registry);
        gpusFree = MultiGauge.builder(GPUS_FREE).description("GPUs of a pool free for new replicas")
                .register(registry);
    }

    /**
     * Records what a tick that loaded the whole fleet decided. Every deployment that is not deleted has a row for each
     * state (zeros included, so sums and alerts see it); a deleted one keeps rows only while replicas drain. A
     * deployment's gauges are registered once and read the counts updated here, so only the gauges of deployments that
     * came or went are registered or removed.
     */
    public void observe(List<DeploymentEntity> deployments, List<ReplicaEntity> replicasOfTick,
            List<Placer.Capacity> capacity) {
        Map<String, List<ReplicaEntity>> replicas = new HashMap<>();
        for (ReplicaEntity r : replicasOfTick) {
            replicas.computeIfAbsent(r.deploymentName, d -> new ArrayList<>()).add(r);
        }
        Set<String> known = new HashSet<>();
        for (DeploymentEntity d : deployments) {
            known.add(d.name);
            observe(d, replicas.getOrDefault(d.name, List.of()));
        }
        byDeployment.values().removeIf(gauges -> {
            if (known.contains(gauges.deployment)) {
                return false;
            }
            gauges.meters.forEach(registry::remove);
            return true;
        });
        observe(capacity);
    }

    /** Records one deployment a tick decided, with its replicas (TERMINATED ones are not counted). */
    public void observe(DeploymentEntity d, List<ReplicaEntity> replicas) {
        int[] counts = null;
        for (ReplicaEntity r : replicas) {
            int state = COUNTED.indexOf(ReplicaState.valueOf(r.state));
            if (state >= 0) {
                if (counts == null) {
                    counts = new int[COUNTED.size()];
                }
                counts[state]++;
            }
        }
        if (d.deleted && counts == null) {
            DeploymentGauges gone = byDeployment.remove(d.name);
            if (gone != null) {
                gone.meters.forEach(registry::remove);
            }
            return;
        }
        byDeployment.computeIfAbsent(d.name, DeploymentGauges::new).set(counts, d.desiredReplicas);
    }

    /** Records the GPUs per pool. */
    public void observe(List<Placer.Capacity> capacity) {
        List<MultiGauge.Row<?>> total = new ArrayList<>();
        List<MultiGauge.Row<?>> used = new ArrayList<>();
        List<MultiGauge.Row<?>> free = new ArrayList<>();
        for (Placer.Capacity pool : capacity) {
            Tags tags = Tags.of("region", pool.region(), "accelerator_type", pool.acceleratorType());
            total.add(MultiGauge.Row.of(tags, pool.totalGpus()));
            used.add(MultiGauge.Row.of(tags, pool.usedGpus()));
            free.add(MultiGauge.Row.of(tags, pool.freeGpus()));
        }
        gpusTotal.register(total, true);
        gpusUsed.register(used, true);
        gpusFree.register(free, true);
    }

    /** Counts the deployments one tick decided (zero for a tick with nothing changed and nothing due). */
    public void decided(int deployments) {
        decided.increment(deployments);
    }

    /**
     * Records one tick from its start to its commit: {@code applied} when it reconciled, {@code skipped} when another
     * writer held the lock, {@code failed} when it rolled back.
     */
    public void tickEnded(Timer.Sample started, String outcome) {
        started.stop(Timer.builder(TICK)
                .description("One reconcile tick (autoscaling, placement, lifecycle steps, events), commit included")
                .tag("outcome", outcome)
                .serviceLevelObjectives(TICK_BUCKETS)
                .register(registry));
    }

    /** One deployment's replica counts by state and desired replicas, and the gauges that read them. */
    private final class DeploymentGauges {

        final String deployment;
        final List<Meter> meters = new ArrayList<>();
        private final int[] counts = new int[COUNTED.size()];
        private volatile int desired;

        DeploymentGauges(String deployment) {
            this.deployment = deployment;
            for (int i = 0; i < COUNTED.size(); i++) {
                int state = i;
                meters.add(Gauge.builder(REPLICAS, this, g -> g.counts[state])
                        .description("Replicas of a deployment in each lifecycle state")
                        .tags("deployment", deployment, "state", COUNTED.get(i).name())
                        .strongReference(true).register(registry));
            }
            meters.add(Gauge.builder(DESIRED_REPLICAS, this, g -> g.desired)
                    .description("Replicas the autoscaler wants for a deployment")
                    .tags("deployment", deployment).strongReference(true).register(registry));
        }

        void set(int[] ofDeployment, int desiredReplicas) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = ofDeployment == null ? 0 : ofDeployment[i];
            }
            desired = desiredReplicas;
        }
    }

    public Timer.Sample tickStarted() {
        return Timer.start(registry);
    }
}
