package dev.ember.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
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
import dev.ember.testsupport.ProcCpu;
import dev.ember.testsupport.PrometheusText;

/**
 * Create-deployment latency at a fixed arrival rate (open loop: latency counts from when each request was due, so a
 * slow server cannot hide its queue), the most creates a second with a fixed number of clients (closed loop), and the
 * time from each create's commit to its event on Kafka. The control plane runs as `./ember up` runs it, on embedded
 * PostgreSQL and Kafka; the scheduler and the data plane are stopped so the two cores serve only the control plane.
 * Run with bench/control-plane.sh; arguments: rate (per second), seconds, closed-loop clients, warm-up seconds.
 */
public final class ControlPlaneBench {

    private static final String BODY = "{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\"}";

    private final ObjectMapper json = new ObjectMapper();
    /** Each create's createTime by name, for the loop that made it (the warm-up's are not kept). */
    private volatile Map<String, Instant> createTimes = new ConcurrentHashMap<>();
    private final AtomicInteger created = new AtomicInteger();
    private final LocalPlatform.Running platform;
    private final Http http;
    private final byte[] createRequest;

    ControlPlaneBench(LocalPlatform.Running platform) {
        this.platform = platform;
        URI base = URI.create(platform.controlPlaneUrl());
        this.http = new Http(base.getHost(), base.getPort());
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        this.createRequest = ("POST /v1/accounts/" + platform.accountId() + "/deployments HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Authorization: Bearer " + platform.apiKey() + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n" + BODY).getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        // Long enough for the JIT compiler to settle: a service that has run a minute, not one just started.
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Path home = Path.of("target/bench-home").toAbsolutePath();
        PlatformClient.deleteTree(home);
        try (LocalPlatform.Running platform = LocalPlatform.start(LocalPlatform.Options.isolated(
                Path.of(".").toAbsolutePath().normalize(), home), line -> {
                })) {
            platform.kill(LocalPlatform.SCHEDULER);
            platform.kill(LocalPlatform.DATA_PLANE);
            ControlPlaneBench bench = new ControlPlaneBench(platform);
            bench.openLoop(rate, warmUp, false);
            bench.awaitEmptyOutbox();
            Cpu before = Cpu.now(home);
            int createdBefore = bench.created.get();
            Map<String, Instant> openLoop = bench.record();
            NavigableMap<Double, Double> beforeOpen = bench.serverBuckets();
            bench.openLoop(rate, seconds, true);
            NavigableMap<Double, Double> afterOpen = bench.serverBuckets();
            System.out.println("open loop, " + serverSide(beforeOpen, afterOpen));
            Map<String, Instant> closedLoop = bench.record();
            bench.closedLoop(clients, Math.max(10, seconds / 2));
            System.out.println("closed loop, " + serverSide(afterOpen, bench.serverBuckets()));
            Cpu.now(home).printSince(before, bench.created.get() - createdBefore);
            bench.record();
            bench.eventLatency("open loop", openLoop);
            bench.eventLatency("closed loop", closedLoop);
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

    /**
     * Waits for the outbox to drain: a warm-up that ran on a cold JVM can leave the relay thousands of events behind,
     * and the measurement is of a control plane in its steady state, not of one catching up.
     */
    void awaitEmptyOutbox() throws InterruptedException {
        long start = System.nanoTime();
        double waiting = Double.NaN;
        while (System.nanoTime() - start < 180_000_000_000L) {
            waiting = metrics().sum("ember_outbox_events_waiting");
            if (waiting == 0) {
                break;
            }
            Thread.sleep(500);
        }
        System.out.printf("after the warm-up, the outbox drained in %.1f s (%.0f events still waiting)%n",
                (System.nanoTime() - start) / 1e9, waiting);
    }

    /** The control plane's metrics, as Prometheus scrapes them. */
    PrometheusText metrics() {
        byte[] scrape = ("GET /q/metrics HTTP/1.1\r\nHost: " + http.host + ":" + http.port + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        return PrometheusText.parse(new String(http.send(scrape).join().body(), StandardCharsets.UTF_8));
    }

    /** The control plane's own latency buckets for creates: from a request's arrival to its response being written. */
    NavigableMap<Double, Double> serverBuckets() {
        return metrics().buckets("http_server_requests_seconds_bucket", "uri", "/v1/accounts/{account}/deployments",
                "method", "POST");
    }

    /**
     * The creates between two readings of {@link #serverBuckets} as the control plane timed them: the share within 20
     * ms (the goal's bound) and the bucket that holds the 99th percentile. What the client measured beyond that is
     * queueing before the server read the request (the kernel, the client's own pauses) and the network.
     */
    static String serverSide(NavigableMap<Double, Double> before, NavigableMap<Double, Double> after) {
        double total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
        double p99 = Double.NaN;
        for (Map.Entry<Double, Double> b : after.entrySet()) {
            if (b.getValue() - before.getOrDefault(b.getKey(), 0.0) >= 0.99 * total) {
                p99 = b.getKey();
                break;
            }
        }
        double within = after.getOrDefault(0.02, 0.0) - before.getOrDefault(0.02, 0.0);
        return String.format("server side (the control plane's own timer, %.0f creates): %.2f%% within 20 ms, p99 at "
                + "most %s ms", total, 100 * within / total, p99 * 1000);
    }

    /** From now on, the creates' createTimes go to a new map, returned. */
    Map<String, Instant> record() {
        createTimes = new ConcurrentHashMap<>();
        return createTimes;
    }

    /**
     * Time from each deployment's createTime (set in the transaction that commits it) to its event on Kafka, for the
     * creates of one loop.
     */
    void eventLatency(String loop, Map<String, Instant> createTimes) {
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
            while (!createTimes.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Instant created = createTimes.remove(r.key());
                    if (created != null) {
                        latencies.add((r.timestamp() - created.toEpochMilli()) * 1_000_000L);
                    }
                }
            }
        }
        System.out.printf("commit to Kafka (event record time - createTime), %s, %d events: %s%n", loop,
                latencies.size(), percentiles(latencies, 1e6, "ms"));
    }

    private CompletableFuture<Boolean> create() {
        return http.send(createRequest).thenApply(response -> {
            if (response.status() != 200) {
                return false;
            }
            try {
                JsonNode body = json.readTree(response.body());
                createTimes.put(body.path("name").asText(), Instant.parse(body.path("createTime").asText()));
                created.incrementAndGet();
                return true;
            } catch (Exception e) {
                return false;
            }
        }).exceptionally(failure -> false);
    }

    /**
     * CPU time used so far by the control plane, PostgreSQL (the postmaster and its backends) and this JVM (the
     * benchmark's client and the embedded Kafka): divided by the creates between two readings, the CPU a create costs
     * on this machine, whatever else runs on it.
     */
    record Cpu(long controlPlaneNanos, long controlPlaneJitNanos, long postgresNanos, long benchNanos) {

        static Cpu now(Path home) throws IOException {
            long pid = Long.parseLong(Files.readString(home.resolve("run").resolve(LocalPlatform.CONTROL_PLANE
                    + ".pid")).trim());
            long controlPlane = ProcCpu.processNanos(ProcessHandle.of(pid).orElseThrow());
            String postmaster = Files.readAllLines(home.resolve("postgres").resolve("postmaster.pid")).get(0).trim();
            ProcessHandle postgres = ProcessHandle.of(Long.parseLong(postmaster)).orElseThrow();
            long db = ProcCpu.processNanos(postgres) + postgres.descendants().mapToLong(ProcCpu::processNanos).sum();
            return new Cpu(controlPlane, ProcCpu.jitNanos(pid), db, ProcCpu.processNanos(ProcessHandle.current()));
        }

        void printSince(Cpu before, int creates) {
            double cp = (controlPlaneNanos - before.controlPlaneNanos) / 1e6 / creates;
            double jit = (controlPlaneJitNanos - before.controlPlaneJitNanos) / 1e6 / creates;
            double db = (postgresNanos - before.postgresNanos) / 1e6 / creates;
            double bench = (benchNanos - before.benchNanos) / 1e6 / creates;
            System.out.printf("CPU per create over both loops (%d creates): control plane %.2f ms (%.2f ms of it JIT "
                    + "compiling, %.2f ms without), PostgreSQL %.2f ms, benchmark client and Kafka %.2f ms, total "
                    + "%.2f ms, %.2f ms without the JIT%n", creates, cp, jit, cp - jit, db, bench, cp + db + bench,
                    cp - jit + db + bench);
        }
    }

    /**
     * A small HTTP/1.1 client, so the benchmark's own cost stays low on the cores it shares with the control plane:
     * kept-alive connections, each carrying one request at a time on a thread of its own while the request is in
     * flight (a new connection when none is idle). Only Content-Length responses, which the control plane sends.
     */
    static final class Http {

        record Response(int status, byte[] body) {
        }

        private final String host;
        private final int port;
        private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });

        Http(String host, int port) {
            this.host = host;
            this.port = port;
        }

        CompletableFuture<Response> send(byte[] request) {
            return CompletableFuture.supplyAsync(() -> {
                Connection c = idle.poll();
                try {
                    if (c == null) {
                        c = new Connection(new Socket(host, port));
                    }
                    Response response = c.exchange(request);
                    idle.add(c);
                    return response;
                } catch (IOException e) {
                    if (c != null) {
                        c.close();
                    }
                    throw new UncheckedIOException(e);
                }
            }, threads);
        }

        private static final class Connection {

            private final Socket socket;
            private final OutputStream out;
            private final InputStream in;

            Connection(Socket socket) throws IOException {
                this.socket = socket;
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                this.out = socket.getOutputStream();
                this.in = new BufferedInputStream(socket.getInputStream(), 16384);
            }

            Response exchange(byte[] request) throws IOException {
                out.write(request);
                out.flush();
                String status = line();
                int code = Integer.parseInt(status.substring(9, 12));
                int length = -1;
                for (String header = line(); !header.isEmpty(); header = line()) {
                    if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                if (length < 0) {
                    throw new IOException("response without Content-Length: " + status);
                }
                return new Response(code, in.readNBytes(length));
            }

            private String line() throws IOException {
                StringBuilder b = new StringBuilder();
                for (int c = in.read(); c != '\n'; c = in.read()) {
                    if (c < 0) {
                        throw new IOException("connection closed");
                    }
                    if (c != '\r') {
                        b.append((char) c);
                    }
                }
                return b.toString();
            }

            void close() {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
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
