package dev.ember.scheduler.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;

import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
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
import dev.ember.common.schedule.Cron;
import dev.ember.scheduler.autoscaling.Autoscaler;
import dev.ember.scheduler.config.SchedulerConfig;
import dev.ember.scheduler.jobs.JobRepository;
import dev.ember.scheduler.jobs.JobRunner;
import dev.ember.scheduler.metrics.SchedulerMetrics;
import dev.ember.scheduler.persistence.DeploymentEntity;
import dev.ember.scheduler.persistence.DeploymentLoadEntity;
import dev.ember.scheduler.persistence.FleetTables;
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
 *
 * <p>The fleet is kept in memory between ticks (ADR 14): a tick reads only the rows handlers changed since the last
 * one, plus a slice of the fleet that the rolling resync reads again (ADR 32: every row within
 * {@code scheduler.full-resync-interval}), and writes only the rows it changed; the whole fleet is loaded at start,
 * after a failed tick and when another writer ticked.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    /** What the tick being decided logs about single deployments and replicas (one tick at a time decides). */
    private final TickLog tickLog = new TickLog(LOG);

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
    FleetTables tables;

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
    /** Parsed policy JSON by its text; cleared when it holds more than {@link #PARSED_POLICIES} entries. */
    private final Map<String, Map<String, Double>> parsedTargets = new HashMap<>();
    private final Map<String, Map<String, ScalingSchedule>> parsedSchedules = new HashMap<>();
    private static final int PARSED_POLICIES = 10_000;
    /** The capacity last published and when; a restart publishes it again once. */
    private String lastCapacity = "";
    private Instant lastCapacityAt = Instant.EPOCH;
    private SingleFlight loop;
    private long timer = -1;
    /** The fleet as the last committed tick left it; null: the next tick loads it in full. */
    private volatile Fleet fleet;
    private volatile boolean resyncRequested;
    /** One tick at a time in this instance: the copy of the fleet has one writer. */
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** The phases of the last tick that ended, for the benchmark. */
    private volatile TickPhases lastPhases;

    void start(@Observes StartupEvent ignored) {
        init();
        // A tick that left deployments for the next one (ADR 28) asks for it at once.
        loop = new SingleFlight(vertx, "Reconciler", () -> tick().map(outcome -> leftWork()));
        timer = loop.every(config.reconcileInterval().toMillis());
    }

    /** Builds what the tick needs from the configuration; separate from start so a benchmark can tick without timers. */
    void init() {
        checked(config);
        autoscaler = new Autoscaler(config.replicaConcurrency());
    }

    /** Fails the start on settings the reconciler cannot run with. */
    static SchedulerConfig checked(SchedulerConfig config) {
        if (config.maxChangesPerTick() < 1) {
            // A tick that may change nothing would leave every deployment for the next, forever.
            throw new IllegalArgumentException("scheduler.max-changes-per-tick must be at least 1, not "
                    + config.maxChangesPerTick());
        }
        return config;
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
        return tick().replaceWithVoid();
    }

    /** Makes the next tick load the whole fleet again, as after a failed tick. */
    void resyncOnNextTick() {
        resyncRequested = true;
    }

    /** The copy of the fleet the last committed tick left; null when the next tick loads it in full. */
    Fleet fleet() {
        return fleet;
    }

    /** Whether the last tick that committed left deployments for the next one. */
    boolean leftWork() {
        Fleet f = fleet;
        return f != null && f.hasDeferred();
    }

    /** How long the phases of the last tick that ended took; null before the first. */
    TickPhases lastPhases() {
        return lastPhases;
    }

    /**
     * One tick: under the scheduler lock, brings the in-memory fleet up to date (in full at start, after a failure,
     * when another writer ticked, and every {@code full-resync-interval}; otherwise only the rows changed since the
     * last tick), decides every deployment in memory, and writes the rows that changed and their events. Returns
     * {@code full}, {@code incremental}, or {@code skipped} when another writer held the lock or a tick was running.
     */
    Uni<String> tick() {
        return Uni.createFrom().deferred(this::tickNow);
    }

    private Uni<String> tickNow() {
        if (!ticking.compareAndSet(false, true)) {
            return Uni.createFrom().item("skipped");
        }
        Timer.Sample sample = metrics.tickStarted();
        // The database keeps microseconds: a tick's times are exactly what it writes, so the copy equals the rows.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Fleet[] ticked = new Fleet[1];
        TickPhases phases = new TickPhases();
        return Panache.withTransaction(() -> lock.tryAcquire()
                .chain(locked -> !locked
                        ? Uni.createFrom().item("skipped")
                        : tables.ticks().chain(ticks -> {
                            Fleet current = fleet;
                            boolean full = current == null || current.ticks != ticks || resyncRequested;
                            if (full) {
                                // Nothing of the old copy may outlive a failure of this tick.
                                fleet = null;
                                resyncRequested = false;
                            }
                            return (full ? loadAll(ticks, now) : loadChanges(current).call(f -> resync(f, now)))
                                    .call(() -> Panache.getSession().invoke(Mutiny.Session::clear))
                                    .chain(f -> {
                                        ticked[0] = f;
                                        phases.end(TickPhases.Phase.READ);
                                        return apply(f, full, now, phases);
                                    })
                                    .chain(() -> tables.advance(ticks))
                                    .invoke(seen -> {
                                        ticked[0].ticks = ticks + 1;
                                        ticked[0].seen = seen;
                                        phases.end(TickPhases.Phase.COUNTER);
                                    })
                                    .replaceWith(full ? "full" : "incremental");
                        })))
                .onItemOrFailure().invoke((outcome, failure) -> {
                    phases.end(TickPhases.Phase.COMMIT);
                    lastPhases = phases;
                    if (failure != null) {
                        fleet = null;
                        LOG.warnf("Reconcile tick failed (%s); the next tick loads the whole fleet again",
                                failure.toString());
                    } else if (!"skipped".equals(outcome)) {
                        fleet = ticked[0];
                    }
                    metrics.tickEnded(sample, failure != null
                            ? "failed"
                            : "skipped".equals(outcome) ? outcome : "applied");
                    ticking.set(false);
                })
                .onCancellation().invoke(() -> {
                    // Cut short (e.g. at shutdown): whether it committed is unknown, so the copy goes.
                    fleet = null;
                    ticking.set(false);
                });
    }

    /**
     * Every deployment, live replica, active node, load report and quota, and the GPUs running jobs hold. The jobs are
     * read first: a query after the fleet is in the session would make Hibernate check every loaded entity for
     * changes to flush first.
     */
    private Uni<Fleet> loadAll(long ticks, Instant now) {
        return jobs.holdings().chain(js -> deployments.listByName().chain(ds -> nodes.listActive()
                .chain(ns -> replicas.listLive().chain(rs -> loads.listAll().chain(ls -> quotas.listAll()
                        .map(qs -> Fleet.loaded(ds, ns, rs, ls, qs, js, quotaDefaults.defaultGpus(), ticks,
                                now)))))));
    }

    /**
     * The jobs' GPUs again if a job changed, and the deployments, load reports and quotas that handlers inserted or
     * updated since the last tick.
     */
    private Uni<Fleet> loadChanges(Fleet current) {
        return jobs.changedSince(current.seen)
                .chain(jobsChanged -> !jobsChanged
                        ? Uni.createFrom().voidItem()
                        : jobs.holdings().invoke(current::jobsChanged).replaceWithVoid())
                .chain(() -> deployments.changedSince(current.seen)).chain(ds -> loads.changedSince(current.seen)
                        .chain(ls -> quotas.changedSince(current.seen).map(qs -> {
                            current.changed(ds, ls, qs);
                            return current;
                        })));
    }

    /**
     * The rolling resync (ADR 32), the level-based safety net for writes the change numbers do not cover: each tick
     * reads again, in name order, a slice of the deployments with their live replicas and load reports and a slice of
     * the nodes, sized so that every row is read again within {@code scheduler.full-resync-interval} of clock time,
     * and once per interval every quota and the jobs' GPUs. Nodes that differ from the copy make the next tick load
     * everything (the inventory changes only at a start).
     */
    private Uni<Void> resync(Fleet fleet, Instant now) {
        double share = fleet.resyncShare(now, config.fullResyncInterval());
        int slice = fleet.deploymentSlice(share);
        String after = fleet.resyncAfter();
        Uni<Void> rows = slice == 0 ? Uni.createFrom().voidItem() : deployments.slice(after, slice).chain(ds -> {
            if (ds.isEmpty()) {
                fleet.resynced(ds, List.of(), List.of(), null, true, now);
                return Uni.createFrom().voidItem();
            }
            String last = ds.get(ds.size() - 1).name;
            return replicas.liveOfSlice(after, last).chain(rs -> loads.ofSlice(after, last)
                    .invoke(ls -> fleet.resynced(ds, rs, ls, last, ds.size() < slice, now)))
                    .replaceWithVoid();
        });
        int nodeSlice = fleet.nodeSlice(share);
        Uni<Void> inventory = nodeSlice == 0
                ? Uni.createFrom().voidItem()
                : nodes.slice(fleet.nodeAfter(), nodeSlice).chain(ns -> {
                    boolean wrapped = ns.size() < nodeSlice;
                    return (wrapped ? nodes.countActive() : Uni.createFrom().item(-1L)).invoke(count -> {
                        if (!fleet.nodesMatch(ns, wrapped, count)) {
                            LOG.warn("The nodes in the database differ from the reconciler's copy (changed outside "
                                    + "a start): the next tick loads the whole fleet again");
                            resyncRequested = true;
                        }
                    }).replaceWithVoid();
                });
        return rows.chain(() -> inventory).chain(() -> !fleet.quotasDue(now, config.fullResyncInterval())
                ? Uni.createFrom().voidItem()
                : jobs.holdings().chain(js -> quotas.listAll()
                        .invoke(qs -> fleet.resyncedQuotas(qs, js, now))).replaceWithVoid());
    }

    /**
     * What one tick decided: the deployments it decided, replicas to create, the deployments and replicas it changed
     * (to write), and the entity changes' events to write, in the order they happened.
     */
    record Plan(List<DeploymentEntity> decided, List<ReplicaEntity> created, List<DeploymentEntity> changedDeployments,
            List<ReplicaEntity> changedReplicas, List<Outbox.Entry<?>> events) {
    }

    /** The columns of a deployment a tick may change, to find the rows to write. */
    private record DeploymentMark(int desired, Instant aboveSince, Instant belowSince, String scalingReason,
            Instant manualZeroAt, Instant deletionRequestedAt, String pinnedRegion, String lastStatus,
            long statusSequence, Instant updateTime) {

        static DeploymentMark of(DeploymentEntity d) {
            return new DeploymentMark(d.desiredReplicas, d.aboveSince, d.belowSince, d.scalingReason, d.manualZeroAt,
                    d.deletionRequestedAt, d.pinnedRegion, d.lastStatus, d.statusSequence, d.updateTime);
        }
    }

    /** The columns of a replica a tick may change. */
    record ReplicaMark(String state, String nodeId, String region, long generation, long sequence,
            Instant nextTransitionAt, String message, Instant updateTime) {

        static ReplicaMark of(ReplicaEntity r) {
            return new ReplicaMark(r.state, r.nodeId, r.region, r.generation, r.sequence, r.nextTransitionAt,
                    r.message, r.updateTime);
        }
    }

    /** Decides the tick on the in-memory fleet, then writes the deployments and replicas it changed and the events. */
    private Uni<Void> apply(Fleet fleet, boolean full, Instant now, TickPhases phases) {
        Plan plan = plan(fleet, now);
        phases.end(TickPhases.Phase.PLAN);
        if (full) {
            metrics.observe(fleet.deploymentList(), fleet.liveList(), fleet.placer().capacity());
        } else {
            for (DeploymentEntity d : plan.decided()) {
                metrics.observe(d, fleet.replicasOf(d.name));
            }
            metrics.observe(fleet.placer().capacity());
        }
        metrics.decided(plan.decided().size());
        phases.end(TickPhases.Phase.GAUGES);
        return tables.updateDeployments(plan.changedDeployments())
                .invoke(() -> phases.end(TickPhases.Phase.DEPLOYMENTS))
                .chain(() -> tables.upsertReplicas(plan.changedReplicas()))
                .invoke(() -> phases.end(TickPhases.Phase.REPLICAS))
                .chain(() -> outbox.addAll(plan.events()))
                .invoke(() -> phases.end(TickPhases.Phase.EVENTS))
                .replaceWithVoid();
    }

    /**
     * Decides one tick in memory (ADR 21): the deployments that are dirty (a handler changed their row or load, a
     * replica of theirs changed in the last tick, GPUs they wait for were given back) or whose next time rule is due
     * at {@code now}; after a full load, every deployment. Runs the autoscaler, creates, places, advances and retires
     * replicas on the fleet's entities (changing them in place), collects the events to write, and files each decided
     * deployment again: dirty if it changed, else in the due index at its next time rule. Nothing touches the database.
     */
    Plan plan(Fleet fleet, Instant now) {
        tickLog.begin();
        List<DeploymentEntity> decided = fleet.takeDecided(now);
        Placer placer = fleet.placer();
        List<ReplicaEntity> created = new ArrayList<>();
        List<DeploymentEntity> changedDeployments = new ArrayList<>();
        List<ReplicaEntity> changedReplicas = new ArrayList<>();
        List<Placer.Holding> released = new ArrayList<>();
        List<Outbox.Entry<?>> events = new ArrayList<>();
        int changes = 0;
        for (int next = 0; next < decided.size(); next++) {
            if (changes >= config.maxChangesPerTick()) {
                // Enough written for one tick (ADR 28): the rest are the first the next tick decides, at once.
                fleet.defer(decided.subList(next, decided.size()));
                decided = decided.subList(0, next);
                break;
            }
            DeploymentEntity d = decided.get(next);
            DeploymentMark deploymentBefore = DeploymentMark.of(d);
            List<ReplicaEntity> rs = fleet.replicasOf(d.name);
            ReplicaMark[] replicasBefore = new ReplicaMark[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                replicasBefore[i] = ReplicaMark.of(rs.get(i));
            }
            int eventsBefore = events.size();
            Collection<DeploymentLoadEntity> reports = fleet.loadsOf(d.name);

            autoscale(d, currentLoad(reports, now), now, events);
            List<ReplicaEntity> fresh = rollout(d, rs, now, events);
            rs.addAll(fresh);
            created.addAll(fresh);
            boolean failed = false;
            for (ReplicaEntity r : rs) {
                failed |= advance(d, r, placer, now, events);
            }
            status(d, rs, failed, now, events);

            boolean changed = !fresh.isEmpty() || events.size() > eventsBefore;
            if (!deploymentBefore.equals(DeploymentMark.of(d))) {
                changedDeployments.add(d);
                changed = true;
            }
            changedReplicas.addAll(fresh);
            for (int i = 0; i < replicasBefore.length; i++) {
                ReplicaEntity r = rs.get(i);
                ReplicaMark before = replicasBefore[i];
                if (!before.equals(ReplicaMark.of(r))) {
                    changedReplicas.add(r);
                    changed = true;
                    if (holds(before.state(), before.nodeId()) && !holds(r.state, r.nodeId)) {
                        released.add(new Placer.Holding(DeploymentName.parse("name", d.name).account(),
                                before.nodeId(), r.acceleratorType, r.gpus));
                    }
                }
            }
            // A replica left waiting is tried again when GPUs of its type are given back; one that can never be
            // placed waits for nothing (the inventory changes only with a full load).
            fleet.waiting(d.name, failed
                    ? Set.of()
                    : rs.stream()
                            .filter(r -> ReplicaState.PENDING_SCHEDULING.name().equals(r.state))
                            .map(r -> r.acceleratorType).collect(Collectors.toSet()));
            // What changed may enable the next step (e.g. a new replica READY lets an old one drain): decide again.
            fleet.schedule(d.name, nextDue(d, rs, reports, now));
            if (changed) {
                fleet.markDirty(d.name);
                changes++;
            }
        }
        capacity(placer, now, events);
        // GPUs given back count from the next tick on, as a placer built from the replicas then would count them.
        for (Placer.Holding h : released) {
            placer.release(h.account(), h.nodeId(), h.gpus());
            fleet.capacityFreed(h.acceleratorType());
        }
        fleet.replicasChanged(created, decided);
        tickLog.end();
        return new Plan(decided, created, changedDeployments, changedReplicas, events);
    }

    /** When the window a schedule opened last closes, if it is open at {@code now}. */
    private static Instant windowEnd(ScalingSchedule schedule, Instant now) {
        return Cron.parse(schedule.schedule()).previousFire(now.atZone(ZoneId.of(schedule.timezone())),
                schedule.duration()).map(fire -> fire.toInstant().plus(schedule.duration())).orElse(null);
    }

    private static boolean holds(String state, String nodeId) {
        return nodeId != null && ReplicaState.valueOf(state).holdsGpus();
    }

    /**
     * The first instant after {@code now} at which a time rule could change what deciding this deployment does, with
     * no event in between: a replica's next lifecycle step, the end of a scale-up or scale-down window, the
     * scale-to-zero window and the idle deletion counted from the last request, a load report going stale, and a
     * scaling schedule's window opening (on a whole minute) or closing. Null when nothing is pending.
     */
    Instant nextDue(DeploymentEntity d, List<ReplicaEntity> rs, Collection<DeploymentLoadEntity> reports,
            Instant now) {
        Instant[] next = {null};
        Consumer<Instant> candidate = at -> {
            if (at != null && at.isAfter(now) && (next[0] == null || at.isBefore(next[0]))) {
                next[0] = at;
            }
        };
        for (ReplicaEntity r : rs) {
            candidate.accept(r.nextTransitionAt);
        }
        if (d.deleted) {
            return next[0];
        }
        if (d.lastRequestTime != null) {
            candidate.accept(d.lastRequestTime.plusMillis(d.scaleToZeroWindowMs));
            if (d.minReplicas == 0 && d.deletionRequestedAt == null) {
                candidate.accept(d.lastRequestTime.plus(config.deleteAfterIdle()));
            }
        }
        if (d.aboveSince != null) {
            candidate.accept(d.aboveSince.plusMillis(d.scaleUpWindowMs));
        }
        if (d.belowSince != null) {
            candidate.accept(d.belowSince.plusMillis(d.scaleDownWindowMs));
        }
        for (DeploymentLoadEntity l : reports) {
            candidate.accept(l.reportedAt.plus(config.loadReportTtl()));
        }
        for (ScalingSchedule schedule : policy(d).schedules().values()) {
            if (!schedule.disabled()) {
                candidate.accept(now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1)));
                candidate.accept(windowEnd(schedule, now));
            }
        }
        return next[0];
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
            List<Outbox.Entry<?>> events) {
        if (r.sequence == 0) {
            publish(r, now, events);
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
                    publish(r, now, events);
                }
                return never.isPresent();
            }
            NodeEntity node = placement.node();
            r.nodeId = node.nodeId;
            r.region = node.region;
            r.message = "";
            step(r, ReplicaState.DOWNLOADING_MODEL, now, now.plus(ReplicaTimings.download(config, d.weightBytes)),
                    events);
        }
        while (r.nextTransitionAt != null && !r.nextTransitionAt.isAfter(now)) {
            Instant at = r.nextTransitionAt;
            if (ReplicaState.DRAINING.name().equals(r.state)) {
                step(r, ReplicaState.TERMINATED, at, null, events);
            } else if (ReplicaState.DOWNLOADING_MODEL.name().equals(r.state)) {
                step(r, ReplicaState.INITIALIZING, at,
                        at.plus(ReplicaTimings.initialize(config, d.weightBytes, d.acceleratorCount)), events);
            } else if (ReplicaState.INITIALIZING.name().equals(r.state)) {
                step(r, ReplicaState.READY, at, null, events);
                tickLog.info("Replica %s is READY on %s", r.name, r.nodeId);
            } else {
                r.nextTransitionAt = null;
            }
        }
        return false;
    }

    /** Runs the autoscaler on a deployment and stores its decision; deleted deployments stay at zero. */
    private void autoscale(DeploymentEntity d, Autoscaler.Load load, Instant now, List<Outbox.Entry<?>> events) {
        if (d.deleted) {
            d.desiredReplicas = 0;
            return;
        }
        requestDeletionWhenIdle(d, now, events);
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
            tickLog.info("Deployment %s: %d -> %d replica(s): %s", d.name, d.desiredReplicas,
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
    private void requestDeletionWhenIdle(DeploymentEntity d, Instant now, List<Outbox.Entry<?>> events) {
        if (d.minReplicas != 0 || d.deletionRequestedAt != null || d.lastRequestTime == null
                || now.isBefore(d.lastRequestTime.plus(config.deleteAfterIdle()))) {
            return;
        }
        d.deletionRequestedAt = now;
        String reason = "no traffic for " + config.deleteAfterIdle().toDays() + " days with min replicas 0";
        tickLog.info("Deployment %s: asking the control plane to delete it (%s)", d.name, reason);
        DeploymentDeletionRequested request = new DeploymentDeletionRequested(d.name, d.uid, reason, now);
        events.add(new Outbox.Entry<>(EventTypes.DEPLOYMENT_DELETION_REQUESTED, d.name,
                request));
    }

    private Autoscaler.Policy policy(DeploymentEntity d) {
        // Most deployments share a few policies: each distinct JSON is parsed once, not on every tick.
        if (parsedTargets.size() + parsedSchedules.size() > PARSED_POLICIES) {
            parsedTargets.clear();
            parsedSchedules.clear();
        }
        Map<String, Double> targets = parsedTargets.computeIfAbsent(d.loadTargets,
                json -> Collections.unmodifiableMap(EventCodec.fromJson(json, LOAD_TARGETS)));
        Map<String, ScalingSchedule> schedules = parsedSchedules.computeIfAbsent(d.scalingSchedules,
                json -> Collections.unmodifiableMap(ScalingSchedule.fromJson(json)));
        return new Autoscaler.Policy(d.minReplicas, d.maxReplicas, Duration.ofMillis(d.scaleUpWindowMs),
                Duration.ofMillis(d.scaleDownWindowMs), Duration.ofMillis(d.scaleToZeroWindowMs), targets, schedules);
    }

    /** Sum of a deployment's reports from every data plane, for reports still fresh. */
    private Autoscaler.Load currentLoad(Collection<DeploymentLoadEntity> reports, Instant now) {
        Autoscaler.Load load = Autoscaler.Load.NONE;
        Instant freshSince = now.minus(config.loadReportTtl());
        for (DeploymentLoadEntity r : reports) {
            if (r.reportedAt.isAfter(freshSince)) {
                load = load.plus(new Autoscaler.Load(r.requestsPerSecond, r.concurrentRequests,
                        r.promptTokensPerSecond, r.generatedTokensPerSecond));
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
            List<Outbox.Entry<?>> events) {
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
                retire(r, now, events);
            }
        }
        current.sort(Comparator.comparing((ReplicaEntity r) -> ReplicaState.READY.name().equals(r.state))
                .thenComparing(r -> r.createTime, Comparator.reverseOrder()));
        while (current.size() > d.desiredReplicas) {
            retire(current.remove(0), now, events);
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
            retire(old.get(i), now, events);
        }
        return created;
    }

    /** A replica holding GPUs drains for {@code drainTime}; one still waiting for a node ends at once. */
    private void retire(ReplicaEntity r, Instant now, List<Outbox.Entry<?>> events) {
        if (ReplicaState.valueOf(r.state).holdsGpus()) {
            step(r, ReplicaState.DRAINING, now, now.plus(config.drainTime()), events);
        } else {
            step(r, ReplicaState.TERMINATED, now, null, events);
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

    private void step(ReplicaEntity r, ReplicaState to, Instant at, Instant next, List<Outbox.Entry<?>> events) {
        r.state = to.name();
        r.nextTransitionAt = next;
        publish(r, at, events);
    }

    private void publish(ReplicaEntity r, Instant at, List<Outbox.Entry<?>> events) {
        r.sequence++;
        r.updateTime = at;
        ReplicaUpdated event = new ReplicaUpdated(r.name, r.deploymentName, r.deploymentUid, r.sequence, r.state,
                r.region, r.nodeId, r.acceleratorType, r.gpus, r.message, at);
        events.add(new Outbox.Entry<>(EventTypes.REPLICA_UPDATED, r.name, event));
    }

    /** Publishes the deployment's status when it differs from the last one published. */
    private void status(DeploymentEntity d, List<ReplicaEntity> all, boolean failed, Instant now,
            List<Outbox.Entry<?>> events) {
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
        events.add(new Outbox.Entry<>(EventTypes.DEPLOYMENT_STATUS_REPORTED, d.name, report));
    }

    /** Publishes the pools' capacity when it changed, at most once per {@code capacityReportInterval}. */
    private void capacity(Placer placer, Instant now, List<Outbox.Entry<?>> events) {
        if (now.isBefore(lastCapacityAt.plus(config.capacityReportInterval()))) {
            return;
        }
        List<CapacityReported.Pool> pools = placer.capacity().stream()
                .map(c -> new CapacityReported.Pool(c.region(), c.acceleratorType(), c.totalGpus(), c.usedGpus(),
                        c.freeGpus()))
                .toList();
        String key = pools.toString();
        if (key.equals(lastCapacity)) {
            return;
        }
        lastCapacity = key;
        lastCapacityAt = now;
        CapacityReported report = new CapacityReported(pools, now);
        events.add(new Outbox.Entry<>(EventTypes.CAPACITY_REPORTED, CapacityReported.KEY,
                report));
    }

    private static int count(List<ReplicaEntity> rs, ReplicaState state) {
        return (int) rs.stream().filter(r -> state.name().equals(r.state)).count();
    }
}
