package dev.ember.scheduler.reconcile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;

import dev.ember.testsupport.EmberInfraResource;

/**
 * The whole reconciler tick, database included, for 10,000 deployments and 15,000 replicas on 5,000 nodes: the reads,
 * the in-memory decisions and the commit. Not part of the build (its name ends in Bench); bench/scheduler.sh runs it
 * after the in-memory benchmark. It starts a real PostgreSQL and Kafka like every scheduler test.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@TestProfile(TickWithDatabaseBench.LargeFleet.class)
class TickWithDatabaseBench {

    static final int DEPLOYMENTS = Integer.getInteger("bench.deployments", 10_000);
    static final int TICKS = Integer.getInteger("bench.ticks", 15);

    /** 5,000 H100 nodes over the six regions, and no timer ticks: the benchmark runs each tick itself. */
    public static class LargeFleet implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.reconcile-interval", "PT1H",
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

    /** A measurement, not a test: it prints the figures and fails only if a tick does. */
    @Test
    void tickTime() throws Throwable {
        // Every deployment has one or two READY replicas of one GPU, spread over the nodes of its pinned region.
        String regions = "(array['US_IOWA_1','US_VIRGINIA_1','US_TEXAS_1','EU_FRANKFURT_1','EU_ICELAND_1',"
                + "'AP_TOKYO_1'])";
        List<String> setup = List.of(
                "insert into scheduler.deployment (name, uid, generation, base_model, weight_bytes, accelerator_type, "
                        + "accelerator_count, placement, pinned_region, desired_replicas, min_replicas, max_replicas, "
                        + "last_request_time, create_time, update_time, replica_generation, precision) "
                        + "select 'accounts/a' || (i % 100) || '/deployments/d-' || i, 'uid-' || i, 1, "
                        + "'accounts/fireworks/models/llama-v3p1-8b-instruct', 8030000000, 'NVIDIA_H100_80GB', 1, "
                        + "'GLOBAL', " + regions + "[1 + i % 6], 1 + (i % 2), 1, 4, now(), now(), now(), 1, 'FP8' "
                        + "from generate_series(1, " + DEPLOYMENTS + ") i",
                "insert into scheduler.replica (name, deployment_name, deployment_uid, state, node_id, region, accelerator_type, "
                        + "gpus, sequence, message, create_time, update_time, generation) "
                        + "select d.name || '/replicas/r-' || r, d.name, d.uid, 'READY', "
                        + "lower(replace(d.pinned_region, '_', '-')) || '-nvidia-h100-80gb-' "
                        + "|| ((row_number() over ()) % 800), d.pinned_region, 'NVIDIA_H100_80GB', 1, 4, '', now(), "
                        + "now(), 1 from scheduler.deployment d, generate_series(1, 2) r where r <= d.desired_replicas",
                "insert into scheduler.deployment_load (deployment, instance, requests_per_second, concurrent_requests, "
                        + "prompt_tokens_per_second, generated_tokens_per_second, reported_at) "
                        + "select name, 'dp-0', 5, (random() * 40)::int, 5000, 1000, now() from scheduler.deployment");
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> {
                    io.smallrye.mutiny.Uni<Integer> chain = io.smallrye.mutiny.Uni.createFrom().item(0);
                    for (String sql : setup) {
                        chain = chain.chain(() -> s.createNativeQuery(sql).executeUpdate());
                    }
                    return chain;
                })));

        long[] nanos = new long[TICKS];
        for (int t = 0; t < TICKS; t++) {
            long start = System.nanoTime();
            VertxContextSupport.subscribeAndAwait(() -> reconciler.reconcile());
            nanos[t] = System.nanoTime() - start;
        }
        long[] measured = Arrays.copyOfRange(nanos, Math.min(3, TICKS - 1), TICKS);
        Arrays.sort(measured);
        List<String> all = new ArrayList<>();
        for (long n : nanos) {
            all.add(String.format("%.0f", n / 1e6));
        }
        System.out.printf("%nreconciler tick with the database, %d deployments: p50 %.0f ms, max %.0f ms over %d "
                + "ticks after 3 warm-up (all, ms: %s)%n%n", DEPLOYMENTS, measured[measured.length / 2] / 1e6,
                measured[measured.length - 1] / 1e6, measured.length, String.join(" ", all));
    }
}
