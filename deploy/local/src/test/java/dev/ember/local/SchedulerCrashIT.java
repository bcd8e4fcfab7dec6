package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * ADR 4's claim, on the packaged platform: the scheduler, SIGKILLed at random moments while replicas are being
 * created, placed and moved through their lifecycle, and started again each time, ends with exactly the desired
 * replicas of every deployment: none lost, none doubled, no GPU counted twice or leaked.
 *
 * <p>The kill delays come from a seeded {@link Random}; the seed is printed, and {@code -Dember.crash.seed=...}
 * replays the same delays (the kill points still shift with the machine's speed).
 */
class SchedulerCrashIT {

    /**
     * The platform clock runs at this fraction of real time, so that a replica's lifecycle (about 7.6 s of platform
     * time for the 8B model in FP8 on one GPU: 4 s of download, then 3.6 s of loading), about 30 s of real time,
     * spans most of the kills, each of which costs a scheduler start of several seconds.
     */
    private static final double TIME_SCALE = 0.25;
    private static final int KILLS = 6;
    /**
     * The first kill comes within this long of the scheduler storing the specs: its first ticks create and place the
     * replicas, and the outbox relay may not have published their events yet.
     */
    private static final int MAX_FIRST_KILL_DELAY_MS = 500;
    /** How long the scheduler runs, at most, between being ready again and the next kill. */
    private static final int MAX_KILL_DELAY_MS = 2000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);
    /** The desired state must hold this long, a few reconcile intervals (500 ms), after it is first seen. */
    private static final Duration STABLE = Duration.ofSeconds(3);
    private static final String BASE_MODEL = "accounts/fireworks/models/llama-v3p1-8b-instruct";
    /** Deployment id and its fixed replica count (min = max, so the autoscaler never changes it). */
    private static final Map<String, Integer> REPLICAS = new TreeMap<>(Map.of("crash-a", 3, "crash-b", 2));

    private final ObjectMapper json = new ObjectMapper();
    private final Path repo = Path.of("../..").toAbsolutePath().normalize();
    private final Path home = Path.of("target/crash-home").toAbsolutePath();
    private LocalPlatform.Running platform;
    private PlatformClient client;

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (String module : LocalPlatform.MODULES) {
                Path log = ServiceProcess.logFile(home, module);
                int lines = module.equals(LocalPlatform.SCHEDULER) ? 200 : 60;
                System.out.println("---- last " + lines + " lines of " + log + "\n" + ServiceProcess.tail(log, lines)
                        + "\n----");
            }
        }
    };

    @BeforeEach
    void startPlatform() throws IOException {
        PlatformClient.deleteTree(home);
        platform = LocalPlatform.start(new LocalPlatform.Options(repo, home, home.resolve("auth.ini"), "127.0.0.1", 0,
                0, 0, 0, 0, TIME_SCALE));
        client = new PlatformClient(platform);
    }

    @AfterEach
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aSchedulerKilledAndRestartedAtRandomMomentsEndsWithExactlyTheDesiredReplicas() throws Exception {
        long seed = Long.getLong("ember.crash.seed", System.currentTimeMillis());
        System.out.println("SchedulerCrashIT: seed " + seed + " (replay with -Dember.crash.seed=" + seed + ")");
        Random random = new Random(seed);

        Map<String, Integer> gpusPerReplica = new LinkedHashMap<>();
        Map<String, String> acceleratorTypes = new LinkedHashMap<>();
        REPLICAS.forEach((id, count) -> {
            PlatformClient.Response created = post(platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId()
                    + "/deployments?deploymentId=" + id,
                    json.createObjectNode()
                            .put("baseModel", BASE_MODEL)
                            .put("minReplicaCount", count)
                            .put("maxReplicaCount", count)
                            .toString());
            assertThat(created.status()).as(created.describe()).isEqualTo(200);
            gpusPerReplica.put(id, created.body().path("acceleratorCount").asInt());
            acceleratorTypes.put(id, created.body().path("acceleratorType").asText());
        });
        assertThat(gpusPerReplica.values()).as("GPUs per replica").allMatch(gpus -> gpus >= 1);
        // The kills start once the scheduler has the specs: after a SIGKILL its Kafka consumer is only given the
        // partitions back when the dead member's session expires, which would only make this test slow.
        await("the scheduler has both deployments").atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(
                () -> assertThat(query("select count(*) from scheduler.deployment").get(0)).isEqualTo(
                        String.valueOf(REPLICAS.size())));

        for (int kill = 1; kill <= KILLS; kill++) {
            long delay = random.nextInt((kill == 1 ? MAX_FIRST_KILL_DELAY_MS : MAX_KILL_DELAY_MS) + 1);
            Thread.sleep(delay); // not an assertion: where in the lifecycle the kill lands
            String states = replicaStates() + "; " + query("select count(*) from scheduler.outbox_event").get(0)
                    + " event(s) in the outbox";
            platform.kill(LocalPlatform.SCHEDULER);
            long killedAt = System.nanoTime();
            System.out.printf("SchedulerCrashIT: kill %d/%d after %d ms, replicas %s%n", kill, KILLS, delay, states);
            platform.restart(LocalPlatform.SCHEDULER);
            System.out.printf("SchedulerCrashIT: scheduler ready again %d ms after the kill%n",
                    Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
        }

        for (String id : REPLICAS.keySet()) {
            await(id + " READY with " + REPLICAS.get(id) + " replicas").atMost(WAIT).pollInterval(POLL)
                    .untilAsserted(() -> assertDeploymentSettled(id));
        }
        System.out.println("SchedulerCrashIT: settled, replicas " + replicaStates());
        // Stays so: no replica created late by a scheduler that lost track of one, none double-counted.
        await("the desired replicas, and only them, for " + STABLE.toMillis() + " ms").during(STABLE)
                .atMost(STABLE.plusSeconds(10)).pollInterval(POLL).untilAsserted(() -> {
                    for (String id : REPLICAS.keySet()) {
                        assertDeploymentSettled(id);
                        assertReplicaRows(id);
                    }
                    assertUsedGpus(acceleratorTypes, gpusPerReplica);
                });
    }

    /** The control plane's view: READY, N replicas, all of them ready. */
    private void assertDeploymentSettled(String id) {
        int n = REPLICAS.get(id);
        PlatformClient.Response response = get(
                platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId() + "/deployments/"
                        + id);
        assertThat(response.status()).as(response.describe()).isEqualTo(200);
        JsonNode d = response.body();
        assertThat(d.path("state").asText()).as(response.describe()).isEqualTo("READY");
        assertThat(d.path("desiredReplicaCount").asInt()).as(response.describe()).isEqualTo(n);
        assertThat(d.path("replicaCount").asInt()).as(response.describe()).isEqualTo(n);
        JsonNode stats = d.path("replicaStats");
        assertThat(stats.path("readyReplicaCount").asInt()).as(response.describe()).isEqualTo(n);
        assertThat(stats.path("pendingSchedulingReplicaCount").asInt()).as(response.describe()).isZero();
        assertThat(stats.path("downloadingModelReplicaCount").asInt()).as(response.describe()).isZero();
        assertThat(stats.path("initializingReplicaCount").asInt()).as(response.describe()).isZero();
    }

    /**
     * The scheduler's table: exactly N replicas ever existed, all READY. With min = max and no delete, a replica
     * created twice would show as an extra row, even after the surplus was drained (DRAINING, then TERMINATED).
     */
    private void assertReplicaRows(String id) throws SQLException {
        String name = "accounts/" + platform.accountId() + "/deployments/" + id;
        List<String> states = query("select state from scheduler.replica where deployment_name = '" + name
                + "' order by name");
        assertThat(states).as("replica states of " + id).hasSize(REPLICAS.get(id)).containsOnly("READY");
    }

    /** The scheduler's capacity view: used GPUs of each type are exactly those of the desired replicas. */
    private void assertUsedGpus(Map<String, String> acceleratorTypes, Map<String, Integer> gpusPerReplica) {
        Map<String, Integer> expected = new TreeMap<>();
        REPLICAS.forEach((id, n) -> expected.merge(acceleratorTypes.get(id), n * gpusPerReplica.get(id),
                Integer::sum));
        PlatformClient.Response capacity = get(platform.schedulerUrl() + "/admin/capacity");
        assertThat(capacity.status()).as(capacity.describe()).isEqualTo(200);
        Map<String, Integer> used = new TreeMap<>();
        for (JsonNode pool : capacity.body().path("capacity")) {
            if (pool.path("usedGpus").asInt() > 0) {
                used.merge(pool.path("acceleratorType").asText(), pool.path("usedGpus").asInt(), Integer::sum);
            }
        }
        assertThat(used).as(capacity.describe()).isEqualTo(expected);
    }

    /** Replica counts per deployment and state, e.g. {@code crash-a: 3 DOWNLOADING_MODEL}, to see kill points. */
    private String replicaStates() throws SQLException {
        List<String> rows = query("select substring(deployment_name from '[^/]+$') || ': ' || count(*) || ' ' || state"
                + " from scheduler.replica group by deployment_name, state order by deployment_name, state");
        return rows.isEmpty() ? "(none yet)" : String.join(", ", rows);
    }

    private List<String> query(String sql) throws SQLException {
        return client.query(sql);
    }

    private PlatformClient.Response get(String url) {
        return client.get(url);
    }

    private PlatformClient.Response post(String url, String body) {
        return client.post(url, body);
    }
}
