package dev.ember.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.event.Topics;

/**
 * Create-deployment latency at a fixed arrival rate (open loop: latency counts from when each request was due, so a
 * slow server cannot hide its queue), the most creates a second with a fixed number of clients (closed loop), and the
 * time from each create's commit to its event on Kafka. The control plane runs as `./ember up` runs it, on embedded
 * PostgreSQL and Kafka; the scheduler and the data plane are stopped so the two cores serve only the control plane.
 * Run with bench/control-plane.sh; arguments: rate (per second), seconds, closed-loop clients.
 */
public final class ControlPlaneBench {

    private static final String BODY = "{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\"}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(8)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Instant> createTimes = new ConcurrentHashMap<>();
    private final LocalPlatform.Running platform;
    private final URI createUri;

    ControlPlaneBench(LocalPlatform.Running platform) {
        this.platform = platform;
        this.createUri = URI.create(platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId()
                + "/deployments");
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Path home = Path.of("target/bench-home").toAbsolutePath();
        PlatformClient.deleteTree(home);
        try (LocalPlatform.Running platform = LocalPlatform.start(LocalPlatform.Options.isolated(
                Path.of(".").toAbsolutePath().normalize(), home), line -> {
                })) {
            platform.kill(LocalPlatform.SCHEDULER);
            platform.kill(LocalPlatform.DATA_PLANE);
            ControlPlaneBench bench = new ControlPlaneBench(platform);
            bench.openLoop(rate, Math.max(5, seconds / 3), false);
            bench.openLoop(rate, seconds, true);
            bench.closedLoop(clients, Math.max(10, seconds / 2));
            bench.eventLatency();
        }
        System.exit(0);
    }

    /** {@code rate} creates a second for {@code seconds}; prints the latency percentiles when {@code report}. */
    void openLoop(int rate, int seconds, boolean report) throws InterruptedException {
        int total = rate * seconds;
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long periodNanos = 1_000_000_000L / rate;
        for (int i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            clock.schedule(() -> create().whenComplete((ok, failure) -> {
                latencies.add(System.nanoTime() - due);
                if (failure != null || !ok) {
                    errors.incrementAndGet();
                }
                done.countDown();
            }), due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        done.await(seconds + 120L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        clock.shutdownNow();
        if (report) {
            System.out.printf("open loop, %d creates/s for %d s: %d done in %.1f s (%.0f/s), %d errors; latency %s%n",
                    rate, seconds, latencies.size(), elapsed, latencies.size() / elapsed, errors.get(),
                    percentiles(latencies, 1e6, "ms"));
        }
    }

    /** {@code clients} clients creating back to back for {@code seconds}: the most the control plane sustains. */
    void closedLoop(int clients, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger count = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    boolean ok = create().join();
                    latencies.add(System.nanoTime() - t);
                    count.incrementAndGet();
                    if (!ok) {
                        errors.incrementAndGet();
                    }
                }
                done.countDown();
            }).start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("closed loop, %d clients for %d s: %.0f creates/s, %d errors; latency %s%n", clients,
                seconds, count.get() / elapsed, errors.get(), percentiles(latencies, 1e6, "ms"));
    }

    /** Time from each deployment's createTime (set in the transaction that commits it) to its event on Kafka. */
    void eventLatency() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Long> latencies = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESOURCES).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (latencies.size() < createTimes.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Instant created = createTimes.remove(r.key());
                    if (created != null) {
                        latencies.add((r.timestamp() - created.toEpochMilli()) * 1_000_000L);
                    }
                }
            }
        }
        System.out.printf("commit to Kafka (event record time - createTime), %d events: %s%n", latencies.size(),
                percentiles(latencies, 1e6, "ms"));
    }

    private CompletableFuture<Boolean> create() {
        HttpRequest request = HttpRequest.newBuilder(createUri)
                .header("Authorization", "Bearer " + platform.apiKey())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                return false;
            }
            try {
                JsonNode body = json.readTree(response.body());
                createTimes.put(body.path("name").asText(), Instant.parse(body.path("createTime").asText()));
                return true;
            } catch (Exception e) {
                return false;
            }
        }).exceptionally(failure -> false);
    }

    private static String percentiles(List<Long> values, double unit, String name) {
        if (values.isEmpty()) {
            return "no samples";
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("p50 %.1f %s, p90 %.1f, p99 %.1f, max %.1f", at(sorted, 0.50) / unit, name,
                at(sorted, 0.90) / unit, at(sorted, 0.99) / unit, sorted.get(sorted.size() - 1) / unit);
    }

    private static long at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
