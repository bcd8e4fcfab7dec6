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

import dev.ember.common.event.DeploymentDeletionRequested;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaStats;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.hardware.Region;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ReplicaName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.outbox.Outbox;
import dev.ember.common.reactive.SingleFlight;
import dev.ember.scheduler.autoscaling.Autoscaler;
import dev.ember.scheduler.config.SchedulerConfig;
import dev.ember.scheduler.metrics.SchedulerMetrics;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.NodeEntity;
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
    SchedulerLock lock;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    @Inject
    SchedulerMetrics metrics;

    private static final TypeReference<Map<String, Double>> LOAD_TARGETS = new TypeReference<>() {
    };

    private Autoscaler autoscaler;
    private SingleFlight loop;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        autoscaler = new Autoscaler(config.replicaConcurrency());
        loop = new SingleFlight(vertx, "Reconciler", () -> reconcile().replaceWith(false));
        timer = loop.every(config.reconcileInterval().toMillis());
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
                        : deployments.listAll().chain(ds -> nodes.listAll().chain(ns -> replicas.listLive()
                                .chain(rs -> loads.listAll()
                                        .chain(ls -> apply(ds, new Placer(ns, rs), rs, ls)))))
                                .replaceWith("applied")))
                .onItemOrFailure().invoke((outcome, failure) -> metrics.tickEnded(tick,
                        failure == null ? outcome : "failed"))
                .replaceWithVoid();
    }

    private Uni<Void> apply(List<DeploymentEntity> ds, Placer placer, List<ReplicaEntity> live,
            List<DeploymentLoadEntity> reports) {
        Instant now = clock.instant();
        Map<String, Autoscaler.Load> load = currentLoad(reports, now);
        Map<String, List<ReplicaEntity>> byDeployment = live.stream()
                .collect(Collectors.groupingBy(r -> r.deploymentName));
        List<ReplicaEntity> created = new ArrayList<>();
        List<Uni<Void>> writes = new ArrayList<>();
        for (DeploymentEntity d : ds) {
            autoscale(d, load.getOrDefault(d.name, Autoscaler.Load.NONE), now, writes);
            List<ReplicaEntity> rs = new ArrayList<>(byDeployment.getOrDefault(d.name, List.of()));
            List<ReplicaEntity> serving = rs.stream().filter(r -> !draining(r)).toList();
            for (int i = serving.size(); i < d.desiredReplicas; i++) {
                ReplicaEntity r = newReplica(d, now);
                rs.add(r);
                created.add(r);
            }
            drainSurplus(d, serving, now, writes);
            for (ReplicaEntity r : rs) {
                advance(d, r, placer, now, writes);
            }
            status(d, rs, now, writes);
        }
        List<ReplicaEntity> all = new ArrayList<>(live);
        all.addAll(created);
        metrics.observe(ds, all, placer.capacity());
        return Multi.createFrom().iterable(created)
                .onItem().transformToUniAndConcatenate(r -> replicas.persist(r).replaceWithVoid())
                .collect().last()
                .chain(() -> Multi.createFrom().iterable(writes).onItem().transformToUniAndConcatenate(w -> w)
                        .collect().last())
                .replaceWithVoid();
    }

    private ReplicaEntity newReplica(DeploymentEntity d, Instant now) {
        ReplicaEntity r = new ReplicaEntity();
        r.name = new ReplicaName(DeploymentName.parse("name", d.name), "r-" + ResourceIds.generate(8)).toString();
        r.deploymentName = d.name;
        r.deploymentUid = d.uid;
        r.state = ReplicaState.PENDING_SCHEDULING.name();
        r.acceleratorType = d.acceleratorType;
        r.gpus = d.acceleratorCount;
        r.sequence = 0;
        r.message = "";
        r.createTime = now;
        r.updateTime = now;
        return r;
    }

    /** Moves one replica through every step that is due at {@code now}, one event per step. */
    private void advance(DeploymentEntity d, ReplicaEntity r, Placer placer, Instant now, List<Uni<Void>> writes) {
        if (r.sequence == 0) {
            publish(r, now, writes);
        }
        if (ReplicaState.PENDING_SCHEDULING.name().equals(r.state)) {
            List<String> regions = allowedRegions(d, placer);
            Optional<NodeEntity> node = regions.isEmpty()
                    ? Optional.empty()
                    : placer.place(d.acceleratorType, d.acceleratorCount, regions);
            if (node.isEmpty()) {
                String reason = "no " + d.acceleratorType + " capacity for " + d.acceleratorCount + " GPU(s) in "
                        + (d.pinnedRegion != null ? d.pinnedRegion : d.placement);
                if (!reason.equals(r.message)) {
                    r.message = reason;
                    publish(r, now, writes);
                }
                return;
            }
            r.nodeId = node.get().nodeId;
            r.region = node.get().region;
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
    }

    /** Runs the autoscaler on a deployment and stores its decision; deleted deployments stay at zero. */
    private void autoscale(DeploymentEntity d, Autoscaler.Load load, Instant now, List<Uni<Void>> writes) {
        if (d.deleted) {
            d.desiredReplicas = 0;
            return;
        }
        requestDeletionWhenIdle(d, now, writes);
        Autoscaler.State before = new Autoscaler.State(d.desiredReplicas, d.lastRequestTime, d.aboveSince,
                d.belowSince);
        Autoscaler.Decision decision = autoscaler.decide(policy(d), before, load, now);
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
                Duration.ofMillis(d.scaleDownWindowMs), Duration.ofMillis(d.scaleToZeroWindowMs), targets);
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
     * Removes replicas above the desired count: those not serving yet first, then the newest. A replica that holds
     * GPUs drains for {@code drainTime}; one still waiting for a node ends at once.
     */
    private void drainSurplus(DeploymentEntity d, List<ReplicaEntity> serving, Instant now,
            List<Uni<Void>> writes) {
        int surplus = serving.size() - d.desiredReplicas;
        if (surplus <= 0) {
            return;
        }
        serving.stream()
                .sorted(Comparator.comparing((ReplicaEntity r) -> ReplicaState.READY.name().equals(r.state))
                        .thenComparing(r -> r.createTime, Comparator.reverseOrder()))
                .limit(surplus)
                .forEach(r -> {
                    if (ReplicaState.valueOf(r.state).holdsGpus()) {
                        step(r, ReplicaState.DRAINING, now, now.plus(config.drainTime()), writes);
                    } else {
                        step(r, ReplicaState.TERMINATED, now, null, writes);
                    }
                });
    }

    private static boolean draining(ReplicaEntity r) {
        return ReplicaState.DRAINING.name().equals(r.state) || ReplicaState.TERMINATED.name().equals(r.state);
    }

    /**
     * Where a deployment's replicas may go. A region: only it. A mega-region: any of its regions. GLOBAL: one region
     * picked when the first replica is placed, then kept for good.
     */
    private List<String> allowedRegions(DeploymentEntity d, Placer placer) {
        Optional<Region> region = Region.find(d.placement);
        if (region.isPresent()) {
            return List.of(region.get().name());
        }
        Region.MegaRegion mega = Region.MegaRegion.find(d.placement).orElse(Region.MegaRegion.GLOBAL);
        List<String> regions = mega.regions().stream().map(Enum::name).toList();
        if (mega != Region.MegaRegion.GLOBAL) {
            return regions;
        }
        if (d.pinnedRegion == null) {
            placer.roomiestRegion(d.acceleratorType, d.acceleratorCount, regions)
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
    private void status(DeploymentEntity d, List<ReplicaEntity> all, Instant now, List<Uni<Void>> writes) {
        List<ReplicaEntity> rs = all.stream().filter(r -> !ReplicaState.TERMINATED.name().equals(r.state)).toList();
        ReplicaStats stats = new ReplicaStats(count(rs, ReplicaState.PENDING_SCHEDULING),
                count(rs, ReplicaState.DOWNLOADING_MODEL), count(rs, ReplicaState.INITIALIZING),
                count(rs, ReplicaState.READY));
        String region = rs.stream().map(r -> r.region).filter(x -> x != null).findFirst().orElse(d.pinnedRegion);
        String message = rs.stream().map(r -> r.message).filter(m -> m != null && !m.isEmpty()).findFirst()
                .orElse(d.desiredReplicas == 0 ? d.scalingReason : "");
        String key = d.generation + "|" + d.desiredReplicas + "|" + rs.size() + "|" + stats + "|" + region + "|"
                + message;
        if (key.equals(d.lastStatus)) {
            return;
        }
        d.lastStatus = key;
        d.statusSequence++;
        d.updateTime = now;
        DeploymentStatusReported report = new DeploymentStatusReported(d.name, d.uid, d.generation, d.statusSequence,
                d.desiredReplicas, rs.size(), stats, region, message, now);
        writes.add(Uni.createFrom().deferred(() -> outbox.add(EventTypes.DEPLOYMENT_STATUS_REPORTED, d.name, report)));
    }

    private static int count(List<ReplicaEntity> rs, ReplicaState state) {
        return (int) rs.stream().filter(r -> state.name().equals(r.state)).count();
    }
}
