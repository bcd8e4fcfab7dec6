package dev.ember.scheduler.reconcile;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

import dev.ember.scheduler.TestClock;
import dev.ember.scheduler.metrics.SchedulerMetrics;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.ProcCpu;

/**
 * The whole reconciler tick, database included, for 10,000 deployments and 15,000 replicas on 5,000 nodes: the reads,
 * the in-memory decisions and the commit, in the steady state (the fleet in memory, 2% of the deployments with a new
 * load report before each tick, the clock moving one reconcile interval, the rolling resync reading a slice again)
 * and as a full load (every row loaded again, as after a failed tick). Not part of the build (its name ends in
 * Bench); bench/scheduler.sh runs it after the in-memory benchmark. It starts a real PostgreSQL and Kafka like every
 * scheduler test.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@TestProfile(TickWithDatabaseBench.LargeFleet.class)
class TickWithDatabaseBench {

    static final int DEPLOYMENTS = Integer.getInteger("bench.deployments", 10_000);
    /** Steady-state ticks measured, after WARM_UP. */
    static final int TICKS = Integer.getInteger("bench.ticks", 100);
    static final int WARM_UP = 10;
    /** Passes of the whole workload; only the last is measured. */
    static final int PASSES = Integer.getInteger("bench.passes", 2);
    /** Full-load ticks measured. */
    static final int FULL_TICKS = Integer.getInteger("bench.full-ticks", 5);
    /** Deployments with a new load report before each steady-state tick: 2% of the fleet by default. */
    static final int TOUCHED = Integer.getInteger("bench.touched", DEPLOYMENTS / 50);

    /**
     * 5,000 H100 nodes over the six regions, and no timer ticks: the benchmark runs each tick itself. The rolling
     * resync's interval is 50 s instead of 5 minutes, so the 100 measured rounds of half a second read every row again
     * once (slices of 100 deployments and 50 nodes a tick, 6 times the default's) and the quotas and jobs once;
     * {@code -Dbench.resync-interval=PT5M} measures the default's slices instead.
     */
    public static class LargeFleet implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.reconcile-interval", "PT1H",
                    "scheduler.full-resync-interval", System.getProperty("bench.resync-interval", "PT50S"),
                    "scheduler.inventory.US_IOWA_1.NVIDIA_H100_80GB", "834",
                    "scheduler.inventory.US_VIRGINIA_1.NVIDIA_H100_80GB", "834",
                    "scheduler.inventory.US_TEXAS_1.NVIDIA_H100_80GB", "833",
                    "scheduler.inventory.EU_FRANKFURT_1.NVIDIA_H100_80GB", "833",
                    "scheduler.inventory.EU_ICELAND_1.NVIDIA_H100_80GB", "833",
                    "scheduler.inventory.AP_TOKYO_1.NVIDIA_H100_80GB", "833",
                    "ember.quota.default-gpus", "1000000");
        }
    }

    @Inject
    Reconciler reconciler;

    @Inject
    MeterRegistry registry;

    /** The deployments the last tick run decided (ADR 21). */
    private long lastDecided;
    /** Milliseconds the JVM spent collecting garbage during the last tick run (pauses included in its time). */
    private long lastGc;
    /** Where the machine's CPU went during the last tick run. */
    private TickCpu lastCpu;

    /**
     * The CPU time the whole machine (all cores), this JVM, its JIT compiler and the hypervisor (stolen) took during
     * a tick: a tick slower than its work, with the machine busy elsewhere, waited for a core.
     */
    record TickCpu(long machineNanos, long jvmNanos, long jitNanos, long stealNanos, Map<String, Long> threads) {

        static TickCpu now() {
            ProcCpu.Machine m = ProcCpu.Machine.now();
            ProcessHandle self = ProcessHandle.current();
            Map<String, Long> threads = new HashMap<>();
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (t != null) {
                    threads.merge(t.getThreadName().replaceAll("[-0-9 ]+$", ""),
                            Math.max(0, mx.getThreadCpuTime(t.getThreadId())), Long::sum);
                }
            }
            return new TickCpu(m.busyNanos(), ProcCpu.processNanos(self),
                    ProcCpu.jitNanos(self.pid()), m.stealNanos(), threads);
        }

        TickCpu since(TickCpu before) {
            Map<String, Long> threads = new HashMap<>();
            this.threads.forEach((name, nanos) -> threads.put(name, nanos - before.threads.getOrDefault(name, 0L)));
            return new TickCpu(machineNanos - before.machineNanos, jvmNanos - before.jvmNanos,
                    jitNanos - before.jitNanos, stealNanos - before.stealNanos, threads);
        }

        @Override
        public String toString() {
            return String.format(
                    "CPU: machine %.0f ms, this JVM %.0f ms (JIT %.0f; busiest threads %s), the rest %.0f, "
                            + "stolen %.0f",
                    machineNanos / 1e6, jvmNanos / 1e6, jitNanos / 1e6,
                    threads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(4)
                            .map(e -> String.format("%s %.0f", e.getKey(), e.getValue() / 1e6)).toList(),
                    (machineNanos - jvmNanos) / 1e6, stealNanos / 1e6);
        }
    }

    /** A measurement, not a test: it prints the figures and fails only if a tick does (or is not the kind expected). */
    @Test
    void tickTime() throws Throwable {
        // The whole workload runs PASSES times on a new copy of the same fleet, and only the last pass is measured: a
        // scheduler that has run a while has its code compiled, including the paths only bursts of scale-ups reach
        // (in a first pass the JIT compiler took up to a core during those ticks).
        for (int pass = 1; pass <= PASSES; pass++) {
            if (pass > 1) {
                sql("delete from scheduler.replica", "delete from scheduler.deployment_load",
                        "delete from scheduler.deployment");
                reconciler.resyncOnNextTick();
            }
            pass(pass == PASSES);
        }
    }

    /** Inserts the fleet and runs the start, the warm-up, the steady rounds and the full resyncs; prints if measured. */
    private void pass(boolean measured) throws Throwable {
        // Every deployment has one or two READY replicas of one GPU, spread over the nodes of its pinned region.
        String now = "'" + TestClock.CLOCK.instant() + "'";
        String regions = "(array['US_IOWA_1','US_VIRGINIA_1','US_TEXAS_1','EU_FRANKFURT_1','EU_ICELAND_1',"
                + "'AP_TOKYO_1'])";
        List<String> setup = List.of(
                "insert into scheduler.deployment (name, uid, generation, base_model, weight_bytes, accelerator_type, "
                        + "accelerator_count, placement, pinned_region, desired_replicas, min_replicas, max_replicas, "
                        + "last_request_time, create_time, update_time, replica_generation, precision) "
                        + "select 'accounts/a' || (i % 100) || '/deployments/d-' || i, 'uid-' || i, 1, "
                        + "'accounts/fireworks/models/llama-v3p1-8b-instruct', 8030000000, 'NVIDIA_H100_80GB', 1, "
                        + "'GLOBAL', " + regions + "[1 + i % 6], 1 + (i % 2), 1, 4, " + now + ", " + now + ", " + now
                        + ", 1, 'FP8' "
                        + "from generate_series(1, " + DEPLOYMENTS + ") i",
                "insert into scheduler.replica (name, deployment_name, deployment_uid, state, node_id, region, accelerator_type, "
                        + "gpus, sequence, message, create_time, update_time, generation) "
                        + "select d.name || '/replicas/r-' || r, d.name, d.uid, 'READY', "
                        + "lower(replace(d.pinned_region, '_', '-')) || '-nvidia-h100-80gb-' "
                        + "|| ((row_number() over ()) % 800), d.pinned_region, 'NVIDIA_H100_80GB', 1, 4, '', " + now
                        + ", " + now
                        + ", 1 from scheduler.deployment d, generate_series(1, 2) r where r <= d.desired_replicas",
                "insert into scheduler.deployment_load (deployment, instance, requests_per_second, concurrent_requests, "
                        + "prompt_tokens_per_second, generated_tokens_per_second, reported_at) "
                        + "select name, 'dp-0', 5, (random() * 40)::int, 5000, 1000, " + now
                        + " from scheduler.deployment");
        sql(setup.toArray(String[]::new));

        // The first tick loads the fleet (as after a start) and decides every deployment: the ticks that follow at
        // once finish what it left (ADR 28). A few more rounds warm the JIT and the connection up.
        long startup = run("full");
        int startupTicks = 1;
        while (reconciler.leftWork()) {
            startup += run("incremental");
            startupTicks++;
        }
        for (int t = 0; t < WARM_UP; t++) {
            touch(t);
            do {
                run("incremental");
            } while (reconciler.leftWork());
        }

        // Steady state: before each round, TOUCHED deployments get a new load report (and count as used), as the
        // load handler writes them; the clock moves one reconcile interval. Only the ticks are timed.
        // A tick that reaches scheduler.max-changes-per-tick leaves the rest for the next, which the scheduler runs at
        // once (ADR 28): so does this loop, without a new load report or a clock move in between. Every tick is timed;
        // a round is the ticks that decide what one reconcile interval brought.
        List<Long> ticks = new ArrayList<>();
        List<Long> decidedList = new ArrayList<>();
        List<TickPhases> phaseList = new ArrayList<>();
        List<Long> gcList = new ArrayList<>();
        List<TickCpu> cpuList = new ArrayList<>();
        /** The ticks that read every quota and the jobs' GPUs again (the rolling resync, once per interval). */
        List<Long> quotaTicks = new ArrayList<>();
        /** Whether each tick reached scheduler.max-changes-per-tick (and left work for the next). */
        List<Boolean> boundList = new ArrayList<>();
        long[] rounds = new long[TICKS];
        int longRounds = 0;
        int mostTicksInRound = 0;
        for (int t = 0; t < TICKS; t++) {
            touch(WARM_UP + t);
            int inRound = 0;
            do {
                Instant quotasRead = reconciler.fleet().quotasReadAt;
                long nanos = run("incremental");
                if (!reconciler.fleet().quotasReadAt.equals(quotasRead)) {
                    quotaTicks.add(nanos);
                }
                rounds[t] += nanos;
                ticks.add(nanos);
                decidedList.add(lastDecided);
                phaseList.add(reconciler.lastPhases());
                gcList.add(lastGc);
                cpuList.add(lastCpu);
                boundList.add(reconciler.leftWork());
                inRound++;
            } while (reconciler.leftWork());
            longRounds += inRound > 1 ? 1 : 0;
            mostTicksInRound = Math.max(mostTicksInRound, inRound);
        }
        long[] steady = ticks.stream().mapToLong(Long::longValue).toArray();
        long[] decided = decidedList.stream().mapToLong(Long::longValue).toArray();
        TickPhases[] phases = phaseList.toArray(TickPhases[]::new);
        long[] gc = gcList.stream().mapToLong(Long::longValue).toArray();
        // A full load, as after a failed tick or another writer's tick: the same tick, loading every row again.
        long[] full = new long[FULL_TICKS];
        for (int t = 0; t < FULL_TICKS; t++) {
            touch(WARM_UP + TICKS + t);
            reconciler.resyncOnNextTick();
            full[t] = run("full");
            while (reconciler.leftWork()) {
                full[t] += run("incremental");
            }
        }
        if (!measured) {
            return;
        }
        System.out.printf("%nreconciler tick with the database, %d deployments, steady state (%d deployments with a "
                + "new load report per round): p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d ticks in %d rounds after %d "
                + "warm-up%n", DEPLOYMENTS, TOUCHED, percentile(steady, 50), percentile(steady, 99),
                percentile(steady, 100), steady.length, TICKS, WARM_UP);
        System.out.printf("reconciler tick with the database, steady state: %d rounds reached the most changes per "
                + "tick and took more than one tick, at most %d; a round's ticks together: p50 %.1f ms, p99 %.1f ms, max "
                + "%.1f ms%n", longRounds, mostTicksInRound, percentile(rounds, 50), percentile(rounds, 99),
                percentile(rounds, 100));
        Integer[] slowest = new Integer[steady.length];
        Arrays.setAll(slowest, i -> i);
        Arrays.sort(slowest, (a, b) -> Long.compare(steady[b], steady[a]));
        System.out.printf("reconciler tick with the database, steady state: %.0f deployments decided per tick on "
                + "average; the JIT compiler took %.0f ms of CPU during the measured ticks; the slowest ticks %s%n",
                Arrays.stream(decided).average().orElse(0),
                cpuList.stream().mapToLong(TickCpu::jitNanos).sum() / 1e6, Arrays.stream(slowest).limit(3)
                        .map(i -> String.format("%.1f ms (%d decided)", steady[i] / 1e6, decided[i])).toList());
        // Where the time went: each phase's median over the steady ticks and over those that reached the bound, then
        // the phases of the slowest ticks.
        TickPhases[] bounded = IntStream.range(0, phases.length).filter(boundList::get)
                .mapToObj(i -> phases[i]).toArray(TickPhases[]::new);
        System.out.printf("reconciler tick with the database, steady state, phase medians: %s ms; of the %d ticks that "
                + "reached the most changes per tick: %s ms; the slowest ticks by phase: %s%n", medians(phases),
                bounded.length, medians(bounded),
                Arrays.stream(slowest).limit(3)
                        .map(i -> "[" + phases[i] + "; gc " + gc[i] + " ms; " + cpuList.get(i) + "]").toList());
        System.out.printf("reconciler tick with the database, %d deployments, the start (every row loaded, every "
                + "deployment decided): %d ticks, %.1f ms in all%n", DEPLOYMENTS, startupTicks, startup / 1e6);
        System.out.printf(
                "reconciler tick with the database, steady state: the rolling resync read every quota and the "
                        + "jobs again in %d ticks: %s%n",
                quotaTicks.size(),
                quotaTicks.stream().map(n -> String.format("%.1f ms", n / 1e6)).toList());
        System.out.printf("reconciler tick with the database, %d deployments, full load (every row loaded, as after a "
                + "failed tick, with any tick after it that finished its work): p50 %.1f ms, max %.1f ms over %d "
                + "ticks%n%n", DEPLOYMENTS, percentile(full, 50), percentile(full, 100), FULL_TICKS);
    }

    /** Each phase's median over {@code phases}. */
    private static String medians(TickPhases[] phases) {
        StringBuilder medians = new StringBuilder();
        for (TickPhases.Phase p : TickPhases.Phase.values()) {
            long[] each = Arrays.stream(phases).mapToLong(ph -> ph.nanos(p)).toArray();
            medians.append(medians.isEmpty() ? "" : ", ").append(String.format("%s %.1f", p.name().toLowerCase(),
                    each.length == 0 ? 0 : percentile(each, 50)));
        }
        return medians.toString();
    }

    /** New load reports for one slice of the deployments (a different one each time), as LoadSignals stores them. */
    private void touch(int round) throws Throwable {
        int slices = Math.max(1, DEPLOYMENTS / TOUCHED);
        String slice = "(select name from scheduler.deployment where cast(substr(uid, 5) as int) % " + slices + " = "
                + (round % slices) + ")";
        TestClock.CLOCK.advance(Duration.ofMillis(500));
        Instant now = TestClock.CLOCK.instant();
        sql("update scheduler.deployment_load set concurrent_requests = (random() * 40)::int, reported_at = '" + now
                + "' where deployment in " + slice,
                "update scheduler.deployment set last_request_time = '" + now + "' where name in " + slice);
    }

    /** Runs one tick and returns its time; fails unless it was the kind of tick expected. */
    private long run(String expected) throws Throwable {
        double before = decidedSoFar();
        long gcBefore = gcMillis();
        TickCpu cpuBefore = TickCpu.now();
        long start = System.nanoTime();
        String outcome = VertxContextSupport.subscribeAndAwait(() -> reconciler.tick());
        long nanos = System.nanoTime() - start;
        lastDecided = (long) (decidedSoFar() - before);
        lastGc = gcMillis() - gcBefore;
        lastCpu = TickCpu.now().since(cpuBefore);
        if (!expected.equals(outcome)) {
            throw new IllegalStateException("expected a " + expected + " tick, got " + outcome);
        }
        return nanos;
    }

    /** The deployments ticks decided so far (the counter exists once the metrics are first used). */
    private double decidedSoFar() {
        Counter counter = registry.find(SchedulerMetrics.DECIDED).counter();
        return counter == null ? 0 : counter.count();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p / 100.0) - 1));
        return sorted[index] / 1e6;
    }

    private static void sql(String... statements) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (String statement : statements) {
                        chain = chain.chain(() -> s.createNativeQuery(statement).executeUpdate());
                    }
                    return chain;
                })));
    }
}
