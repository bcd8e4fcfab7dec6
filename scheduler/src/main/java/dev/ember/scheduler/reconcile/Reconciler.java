package dev.ember.scheduler.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;

import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.ember.common.event.CapacityReported;
import dev.ember.common.event.DeploymentDeletionRequested;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaStats;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.event.ScalingSchedule;
import dev.ember.common.hardware.Region;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ReplicaName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.outbox.Outbox;
import dev.ember.common.quota.QuotaDefaults;
import dev.ember.common.reactive.SingleFlight;
import dev.ember.scheduler.autoscaling.Autoscaler;
import dev.ember.scheduler.config.SchedulerConfig;
import dev.ember.scheduler.jobs.JobRepository;
import dev.ember.scheduler.jobs.JobRunner;
import dev.ember.scheduler.metrics.SchedulerMetrics;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.QuotaEntity;
import dev.ember.scheduler.persistence.ReplicaEntity;
import dev.ember.scheduler.persistence.ReplicaState;
import dev.ember.scheduler.persistence.SchedulerLock;
import dev.ember.scheduler.persistence.SchedulerRepositories;
import dev.ember.scheduler.placement.Placer;

/**
 * Level-based reconciliation: on every tick (and after every event) it compares each deployment's desired replicas
 * with the replicas that exist, creates or places what is missing, advances replicas whose step is due on the clock,
 * and publishes what changed. One transaction per tick, so a crash at any point leaves either the whole tick or
 * none of it: a restarted scheduler ends with exactly the desired replicas.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    @Inject
    SchedulerConfig config;

    @Inject
    SchedulerRepositories.Deployments deployments;

    @Inject
    SchedulerRepositories.Nodes nodes;

    @Inject
    SchedulerRepositories.Replicas replicas;

    @Inject
    SchedulerRepositories.Loads loads;

    @Inject
    SchedulerRepositories.Quotas quotas;

    @Inject
    SchedulerLock lock;

    /** Running jobs hold GPUs too (see {@link JobRunner}). */
    @Inject
    JobRepository jobs;

    @Inject
    Outbox outbox;

    /** The GPU quota of pools an account set none for, the same figure the control plane shows. */
    @Inject
    QuotaDefaults quotaDefaults;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    @Inject
    SchedulerMetrics metrics;

    private static final TypeReference<Map<String, Double>> LOAD_TARGETS = new TypeReference<>() {
    };

    private Autoscaler autoscaler;
    /** The capacity last published and when; a restart publishes it again once. */
    private String lastCapacity = "";
    private Instant lastCapacityAt = Instant.EPOCH;
    private SingleFlight loop;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        init();
        loop = new SingleFlight(vertx, "Reconciler", () -> reconcile().replaceWith(false));
        timer = loop.every(config.reconcileInterval().toMillis());
    }

    /** Builds what the tick needs from the configuration; separate from start so a benchmark can tick without timers. */
    void init() {
        autoscaler = new Autoscaler(config.replicaConcurrency());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timer);
        }
    }

    /** Asks for a reconciliation soon, e.g. after a spec changed. */
    public void trigger() {
        if (loop != null) {
            loop.trigger();
        }
    }

    /** One reconciliation of every deployment, in one transaction. */
    public Uni<Void> reconcile() {
        Timer.Sample tick = metrics.tickStarted();
        return Panache.withTransaction(() -> lock.tryAcquire()
                .chain(locked -> !locked
                        ? Uni.createFrom().item("skipped")
                        : deployments.listAll().chain(ds -> nodes.listActive().chain(ns -> replicas.listLive()
                                .chain(rs -> loads.listAll().chain(ls -> quotas.listAll()
                                        .chain(qs -> jobs.holdings()
                                                .chain(js -> apply(ds, placer(ns, rs, qs, js), rs, ls)))))))
                                .replaceWith("applied")))
                .onItemOrFailure().invoke((outcome, failure) -> metrics.tickEnded(tick,
                        failure == null ? outcome : "failed"))
                .replaceWithVoid();
    }

    /** Replicas share the nodes with running jobs ({@code js}: the GPUs they hold). */
    private Placer placer(List<NodeEntity> ns, List<ReplicaEntity> rs, List<QuotaEntity> qs,
            List<Placer.Holding> js) {
        Map<String, Long> limits = new HashMap<>();
        for (QuotaEntity q : qs) {
            limits.put(Placer.quotaKey(q.account, q.acceleratorType, q.region), q.gpus);
        }
        List<Placer.Holding> holdings = new ArrayList<>(Placer.holdings(rs));
        holdings.addAll(js);
        return new Placer(ns, holdings, limits, quotaDefaults.defaultGpus());
    }

    /** What one tick decided: replicas to create, and entity changes' events to write (deferred). */
    record Plan(List<ReplicaEntity> created, List<Uni<Void>> writes) {
    }

    private Uni<Void> apply(List<DeploymentEntity> ds, Placer placer, List<ReplicaEntity> live,
            List<DeploymentLoadEntity> reports) {
        Plan plan = plan(ds, placer, live, reports, clock.instant());
        List<ReplicaEntity> all = new ArrayList<>(live);
        all.addAll(plan.created());
        metrics.observe(ds, all, placer.capacity());
        return Multi.createFrom().iterable(plan.created())
                .onItem().transformToUniAndConcatenate(r -> replicas.persist(r).replaceWithVoid())
                .collect().last()
                .chain(() -> Multi.createFrom().iterable(plan.writes()).onItem().transformToUniAndConcatenate(w -> w)
                        .collect().last())
                .replaceWithVoid();
    }

    /**
     * Decides one tick in memory: runs the autoscaler, creates, places, advances and retires replicas on the loaded
     * entities (changing them in place) and collects the events to write. Nothing touches the database here.
     */
    Plan plan(List<DeploymentEntity> ds, Placer placer, List<ReplicaEntity> live, List<DeploymentLoadEntity> reports,
            Instant now) {
        Map<String, Autoscaler.Load> load = currentLoad(reports, now);
        Map<String, List<ReplicaEntity>> byDeployment = live.stream()
                .collect(Collectors.groupingBy(r -> r.deploymentName));
        List<ReplicaEntity> created = new ArrayList<>();
        List<Uni<Void>> writes = new ArrayList<>();
        for (DeploymentEntity d : ds) {
            autoscale(d, load.getOrDefault(d.name, Autoscaler.Load.NONE), now, writes);
            List<ReplicaEntity> rs = new ArrayList<>(byDeployment.getOrDefault(d.name, List.of()));
            for (ReplicaEntity r : rollout(d, rs, now, writes)) {
                rs.add(r);
                created.add(r);
            }
            boolean failed = false;
            for (ReplicaEntity r : rs) {
                failed |= advance(d, r, placer, now, writes);
            }
            status(d, rs, failed, now, writes);
        }
        capacity(placer, now, writes);
        return new Plan(created, writes);
    }

    ReplicaEntity newReplica(DeploymentEntity d, Instant now) {
        ReplicaEntity r = new ReplicaEntity();
        r.name = new ReplicaName(DeploymentName.parse("name", d.name), "r-" + ResourceIds.generate(8)).toString();
        r.deploymentName = d.name;
        r.deploymentUid = d.uid;
        r.state = ReplicaState.PENDING_SCHEDULING.name();
        r.acceleratorType = d.acceleratorType;
        r.gpus = d.acceleratorCount;
        r.generation = d.replicaGeneration;
        r.sequence = 0;
        r.message = "";
        r.createTime = now;
        r.updateTime = now;
        return r;
    }

    /**
     * Moves one replica through every step that is due at {@code now}, one event per step. Returns true when the
     * replica can never be placed with the inventory as configured.
     */
    private boolean advance(DeploymentEntity d, ReplicaEntity r, Placer placer, Instant now,
            List<Uni<Void>> writes) {
        if (r.sequence == 0) {
            publish(r, now, writes);
        }
        if (ReplicaState.PENDING_SCHEDULING.name().equals(r.state)) {
            String account = DeploymentName.parse("name", d.name).account();
            List<String> eligible = eligibleRegions(d);
            Optional<String> never = placer.neverFits(r.acceleratorType, r.gpus, eligible);
            List<String> regions = never.isPresent() ? List.of() : allowedRegions(d, account, eligible, placer);
            Placer.Placement placement = regions.isEmpty()
                    ? new Placer.Placement(null, never.map(why -> "cannot be placed: " + why)
                            .orElse("no " + r.acceleratorType + " capacity for " + r.gpus + " GPU(s) in "
                                    + d.placement))
                    : placer.place(account, r.acceleratorType, r.gpus, regions,
                            d.pinnedRegion != null ? d.pinnedRegion : d.placement);
            if (!placement.placed()) {
                if (!placement.reason().equals(r.message)) {
                    r.message = placement.reason();
                    publish(r, now, writes);
                }
                return never.isPresent();
            }
            NodeEntity node = placement.node();
            r.nodeId = node.nodeId;
            r.region = node.region;
            r.message = "";
            step(r, ReplicaState.DOWNLOADING_MODEL, now, now.plus(ReplicaTimings.download(config, d.weightBytes)),
                    writes);
        }
        while (r.nextTransitionAt != null && !r.nextTransitionAt.isAfter(now)) {
            Instant at = r.nextTransitionAt;
            if (ReplicaState.DRAINING.name().equals(r.state)) {
                step(r, ReplicaState.TERMINATED, at, null, writes);
            } else if (ReplicaState.DOWNLOADING_MODEL.name().equals(r.state)) {
                step(r, ReplicaState.INITIALIZING, at,
                        at.plus(ReplicaTimings.initialize(config, d.weightBytes, d.acceleratorCount)), writes);
            } else if (ReplicaState.INITIALIZING.name().equals(r.state)) {
                step(r, ReplicaState.READY, at, null, writes);
                LOG.infof("Replica %s is READY on %s", r.name, r.nodeId);
            } else {
                r.nextTransitionAt = null;
            }
        }
        return false;
    }

    /** Runs the autoscaler on a deployment and stores its decision; deleted deployments stay at zero. */
    private void autoscale(DeploymentEntity d, Autoscaler.Load load, Instant now, List<Uni<Void>> writes) {
        if (d.deleted) {
            d.desiredReplicas = 0;
            return;
        }
        requestDeletionWhenIdle(d, now, writes);
        // Scaled to zero by request: traffic from before the request does not count, one after it does (and ends it).
        if (d.manualZeroAt != null && d.lastRequestTime != null && d.lastRequestTime.isAfter(d.manualZeroAt)) {
            d.manualZeroAt = null;
        }
        Instant lastRequest = d.manualZeroAt != null ? null : d.lastRequestTime;
        Autoscaler.State before = new Autoscaler.State(d.desiredReplicas, lastRequest, d.aboveSince,
                d.belowSince);
        Autoscaler.Decision decision = autoscaler.decide(policy(d), before, d.manualZeroAt != null
                ? Autoscaler.Load.NONE
                : load, now);
        d.aboveSince = decision.state().aboveSince();
        d.belowSince = decision.state().belowSince();
        if (decision.changed(before)) {
            LOG.infof("Deployment %s: %d -> %d replica(s): %s", d.name, d.desiredReplicas,
                    decision.state().desired(), decision.reason());
            d.desiredReplicas = decision.state().desired();
            d.scalingReason = decision.reason();
            d.updateTime = now;
        }
    }

    /**
     * Asks the control plane, once, to delete a deployment with min replicas 0 that had no traffic for
     * {@code deleteAfterIdle} (7 days).
     */
    private void requestDeletionWhenIdle(DeploymentEntity d, Instant now, List<Uni<Void>> writes) {
        if (d.minReplicas != 0 || d.deletionRequestedAt != null || d.lastRequestTime == null
                || now.isBefore(d.lastRequestTime.plus(config.deleteAfterIdle()))) {
            return;
        }
        d.deletionRequestedAt = now;
        String reason = "no traffic for " + config.deleteAfterIdle().toDays() + " days with min replicas 0";
        LOG.infof("Deployment %s: asking the control plane to delete it (%s)", d.name, reason);
        DeploymentDeletionRequested request = new DeploymentDeletionRequested(d.name, d.uid, reason, now);
        writes.add(Uni.createFrom().deferred(() -> outbox.add(EventTypes.DEPLOYMENT_DELETION_REQUESTED, d.name,
                request)));
    }

    private Autoscaler.Policy policy(DeploymentEntity d) {
        Map<String, Double> targets = EventCodec.fromJson(d.loadTargets, LOAD_TARGETS);
        return new Autoscaler.Policy(d.minReplicas, d.maxReplicas, Duration.ofMillis(d.scaleUpWindowMs),
                Duration.ofMillis(d.scaleDownWindowMs), Duration.ofMillis(d.scaleToZeroWindowMs), targets,
                ScalingSchedule.fromJson(d.scalingSchedules));
    }

    /** Sum of every data plane's newest report, for reports still fresh. */
    private Map<String, Autoscaler.Load> currentLoad(List<DeploymentLoadEntity> reports, Instant now) {
        Map<String, Autoscaler.Load> load = new HashMap<>();
        Instant freshSince = now.minus(config.loadReportTtl());
        for (DeploymentLoadEntity r : reports) {
            if (r.reportedAt.isAfter(freshSince)) {
                load.merge(r.deployment, new Autoscaler.Load(r.requestsPerSecond, r.concurrentRequests,
                        r.promptTokensPerSecond, r.generatedTokensPerSecond), Autoscaler.Load::plus);
            }
        }
        return load;
    }

    /**
     * Brings the replicas to the desired count at the deployment's replica generation; returns the replicas to create.
     * Surplus replicas go, those not serving yet first, then the newest. Replicas of an older generation (the
     * hardware changed) are replaced one at a time: one new replica above the desired count, and an old one drains
     * only once a new one is READY, so serving capacity never drops during a rollout. Old replicas not serving yet go
     * at once.
     */
    private List<ReplicaEntity> rollout(DeploymentEntity d, List<ReplicaEntity> rs, Instant now,
            List<Uni<Void>> writes) {
        List<ReplicaEntity> current = new ArrayList<>();
        List<ReplicaEntity> old = new ArrayList<>();
        for (ReplicaEntity r : rs) {
            if (draining(r)) {
                continue;
            }
            if (r.generation == d.replicaGeneration) {
                current.add(r);
            } else if (ReplicaState.READY.name().equals(r.state)) {
                old.add(r);
            } else {
                retire(r, now, writes);
            }
        }
        current.sort(Comparator.comparing((ReplicaEntity r) -> ReplicaState.READY.name().equals(r.state))
                .thenComparing(r -> r.createTime, Comparator.reverseOrder()));
        while (current.size() > d.desiredReplicas) {
            retire(current.remove(0), now, writes);
        }
        int missing = d.desiredReplicas - current.size();
        int room = old.isEmpty() ? missing : Math.min(missing, d.desiredReplicas + 1 - current.size() - old.size());
        List<ReplicaEntity> created = new ArrayList<>();
        for (int i = 0; i < room; i++) {
            created.add(newReplica(d, now));
        }
        long readyCurrent = current.stream().filter(r -> ReplicaState.READY.name().equals(r.state)).count();
        long excessOld = old.size() + readyCurrent - d.desiredReplicas;
        old.sort(Comparator.comparing(r -> r.createTime));
        for (int i = 0; i < excessOld && i < old.size(); i++) {
            retire(old.get(i), now, writes);
        }
        return created;
    }

    /** A replica holding GPUs drains for {@code drainTime}; one still waiting for a node ends at once. */
    private void retire(ReplicaEntity r, Instant now, List<Uni<Void>> writes) {
        if (ReplicaState.valueOf(r.state).holdsGpus()) {
            step(r, ReplicaState.DRAINING, now, now.plus(config.drainTime()), writes);
        } else {
            step(r, ReplicaState.TERMINATED, now, null, writes);
        }
    }

    private static boolean draining(ReplicaEntity r) {
        return ReplicaState.DRAINING.name().equals(r.state) || ReplicaState.TERMINATED.name().equals(r.state);
    }

    /** The regions a deployment's placement names: one region, or every region of a mega-region. */
    private static List<String> eligibleRegions(DeploymentEntity d) {
        Optional<Region> region = Region.find(d.placement);
        if (region.isPresent()) {
            return List.of(region.get().name());
        }
        Region.MegaRegion mega = Region.MegaRegion.find(d.placement).orElse(Region.MegaRegion.GLOBAL);
        return mega.regions().stream().map(Enum::name).toList();
    }

    /**
     * Where a deployment's replicas may go now. A region: only it. A mega-region: any of its regions, so a replica
     * lands in another when one is full. GLOBAL: one region picked when the first replica is placed (the roomiest
     * within the account's quota), then kept for good.
     */
    private static List<String> allowedRegions(DeploymentEntity d, String account, List<String> eligible,
            Placer placer) {
        if (!Region.MegaRegion.GLOBAL.name().equals(d.placement)) {
            return eligible;
        }
        if (d.pinnedRegion == null) {
            placer.roomiestRegion(account, d.acceleratorType, d.acceleratorCount, eligible)
                    .ifPresent(chosen -> d.pinnedRegion = chosen);
        }
        return d.pinnedRegion == null ? List.of() : List.of(d.pinnedRegion);
    }

    private void step(ReplicaEntity r, ReplicaState to, Instant at, Instant next, List<Uni<Void>> writes) {
        r.state = to.name();
        r.nextTransitionAt = next;
        publish(r, at, writes);
    }

    private void publish(ReplicaEntity r, Instant at, List<Uni<Void>> writes) {
        r.sequence++;
        r.updateTime = at;
        ReplicaUpdated event = new ReplicaUpdated(r.name, r.deploymentName, r.deploymentUid, r.sequence, r.state,
                r.region, r.nodeId, r.acceleratorType, r.gpus, r.message, at);
        writes.add(Uni.createFrom().deferred(() -> outbox.add(EventTypes.REPLICA_UPDATED, r.name, event)));
    }

    /** Publishes the deployment's status when it differs from the last one published. */
    private void status(DeploymentEntity d, List<ReplicaEntity> all, boolean failed, Instant now,
            List<Uni<Void>> writes) {
        List<ReplicaEntity> rs = all.stream().filter(r -> !ReplicaState.TERMINATED.name().equals(r.state)).toList();
        int updated = (int) rs.stream().filter(r -> r.generation == d.replicaGeneration
                && ReplicaState.READY.name().equals(r.state)).count();
        int outdated = (int) rs.stream().filter(r -> r.generation != d.replicaGeneration).count();
        ReplicaStats stats = new ReplicaStats(count(rs, ReplicaState.PENDING_SCHEDULING),
                count(rs, ReplicaState.DOWNLOADING_MODEL), count(rs, ReplicaState.INITIALIZING),
                count(rs, ReplicaState.READY));
        String region = rs.stream().map(r -> r.region).filter(x -> x != null).findFirst().orElse(d.pinnedRegion);
        String message = rs.stream().map(r -> r.message).filter(m -> m != null && !m.isEmpty()).findFirst()
                .orElse(d.desiredReplicas == 0 ? d.scalingReason : "");
        String key = d.generation + "|" + d.desiredReplicas + "|" + rs.size() + "|" + stats + "|" + region + "|"
                + message + "|" + updated + "|" + outdated + "|" + failed;
        if (key.equals(d.lastStatus)) {
            return;
        }
        d.lastStatus = key;
        d.statusSequence++;
        d.updateTime = now;
        DeploymentStatusReported report = new DeploymentStatusReported(d.name, d.uid, d.generation, d.statusSequence,
                d.desiredReplicas, rs.size(), stats, region, message, updated, outdated, failed, now);
        writes.add(Uni.createFrom().deferred(() -> outbox.add(EventTypes.DEPLOYMENT_STATUS_REPORTED, d.name, report)));
    }

    /** Publishes the pools' capacity when it changed, at most once per {@code capacityReportInterval}. */
    private void capacity(Placer placer, Instant now, List<Uni<Void>> writes) {
        List<CapacityReported.Pool> pools = placer.capacity().stream()
                .map(c -> new CapacityReported.Pool(c.region(), c.acceleratorType(), c.totalGpus(), c.usedGpus(),
                        c.freeGpus()))
                .toList();
        String key = pools.toString();
        if (key.equals(lastCapacity) || now.isBefore(lastCapacityAt.plus(config.capacityReportInterval()))) {
            return;
        }
        lastCapacity = key;
        lastCapacityAt = now;
        CapacityReported report = new CapacityReported(pools, now);
        writes.add(Uni.createFrom().deferred(() -> outbox.add(EventTypes.CAPACITY_REPORTED, CapacityReported.KEY,
                report)));
    }

    private static int count(List<ReplicaEntity> rs, ReplicaState state) {
        return (int) rs.stream().filter(r -> state.name().equals(r.state)).count();
    }
}
