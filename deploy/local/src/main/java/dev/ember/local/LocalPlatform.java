package dev.ember.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.ember.testsupport.EmbeddedKafka;
import dev.ember.testsupport.EmbeddedPostgresServer;

/**
 * The whole platform on one machine: PostgreSQL and Kafka inside this JVM, and the control plane, scheduler and data
 * plane as child JVMs run from their packaged {@code quarkus-app} folders.
 */
public final class LocalPlatform {

    static final String CONTROL_PLANE = "control-plane";
    static final String SCHEDULER = "scheduler";
    static final String DATA_PLANE = "data-plane";
    static final List<String> MODULES = List.of(CONTROL_PLANE, SCHEDULER, DATA_PLANE);
    static final int LOG_TAIL_LINES = 40;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private LocalPlatform() {
    }

    public static void main(String[] args) {
        System.exit(LauncherCommand.run(args));
    }

    /**
     * How to run the platform. A port of 0 means any free port. {@code authFile} is the {@code auth.ini} rewritten
     * with this platform's URLs and key on every start.
     */
    public record Options(Path repo, Path home, Path authFile, String host, int controlPlanePort, int dataPlanePort,
            int schedulerPort, int kafkaPort, int postgresPort, double timeScale) {

        public Options {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(home, "home");
            Objects.requireNonNull(authFile, "authFile");
            Objects.requireNonNull(host, "host");
            for (int port : new int[]{controlPlanePort, dataPlanePort, schedulerPort, kafkaPort, postgresPort}) {
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
                }
            }
            if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
                throw new IllegalArgumentException("time scale must be a positive number, got " + timeScale);
            }
        }

        /** Every port picked free, {@code auth.ini} in the home, real time: a platform that disturbs nothing. */
        public static Options isolated(Path repo, Path home) {
            return new Options(repo, home, home.resolve("auth.ini"), "127.0.0.1", 0, 0, 0, 0, 0, 1);
        }
    }

    public static Running start(Options options) {
        return start(options, message -> {
        });
    }

    /**
     * Starts everything and returns once every service is ready. On failure, everything started so far is stopped
     * and a {@link StartupException} says what went wrong, with the end of the failing service's log.
     */
    public static Running start(Options options, Consumer<String> progress) {
        Path repo = options.repo().toAbsolutePath().normalize();
        Path home = options.home().toAbsolutePath().normalize();
        Map<String, Path> jars = serviceJars(repo);
        ShutdownStack stack = new ShutdownStack();
        try {
            Files.createDirectories(home);
            stack.push(HomeLock.acquire(home));
            ServiceProcess.stopStale(MODULES.stream().map(module -> ServiceProcess.pidFile(home, module)).toList(),
                    STOP_GRACE);
            checkPorts(options);
            BootstrapIdentity identity = BootstrapIdentity.loadOrCreate(home);

            progress.accept("Starting PostgreSQL (data in " + home.resolve("postgres") + ")");
            // pushed once started, as stopping Kafka halfway through its start hangs. Whatever is still starting when
            // the launcher exits is gone with this JVM (Kafka) or stopped by the next start (PostgreSQL).
            EmbeddedPostgresServer postgres = stack.push(
                    new EmbeddedPostgresServer(home.resolve("postgres"), options.postgresPort()).start());
            progress.accept("Starting Kafka (data in " + home.resolve("kafka") + ")");
            EmbeddedKafka kafka = stack.push(new EmbeddedKafka(home.resolve("kafka"), options.kafkaPort()).start());

            Map<String, Integer> ports = servicePorts(options);
            String urlHost = urlHost(options.host());
            Map<String, String> env = new LinkedHashMap<>();
            env.put("EMBER_DB_HOST", "127.0.0.1");
            env.put("EMBER_DB_PORT", Integer.toString(postgres.port()));
            env.put("EMBER_DB_NAME", EmbeddedPostgresServer.DATABASE);
            env.put("EMBER_DB_USER", EmbeddedPostgresServer.USER);
            env.put("EMBER_DB_PASSWORD", "");
            env.put("EMBER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            env.put("QUARKUS_HTTP_HOST", options.host());
            env.put("EMBER_TIME_SCALE", BigDecimal.valueOf(options.timeScale()).stripTrailingZeros().toPlainString());
            // One origin for every service's scaled clock, so they agree on the time however far apart they start.
            env.put("EMBER_TIME_ORIGIN", Instant.now().toString());

            Map<String, ServiceProcess> services = new LinkedHashMap<>();
            for (String module : MODULES) {
                Map<String, String> serviceEnv = new LinkedHashMap<>(env);
                serviceEnv.put("QUARKUS_HTTP_PORT", Integer.toString(ports.get(module)));
                if (module.equals(CONTROL_PLANE)) {
                    serviceEnv.put("EMBER_BOOTSTRAP_ACCOUNT_ID", identity.accountId());
                    serviceEnv.put("EMBER_BOOTSTRAP_API_KEY", identity.apiKey());
                    serviceEnv.put("EMBER_BLOB_ROOT", home.resolve("blobs").toString());
                }
                if (module.equals(DATA_PLANE)) {
                    serviceEnv.put("EMBER_CONTROL_PLANE_URL", "http://" + urlHost + ":" + ports.get(CONTROL_PLANE));
                }
                String url = "http://" + urlHost + ":" + ports.get(module);
                services.put(module, new ServiceProcess(module, jars.get(module), url, serviceEnv, repo, home));
            }
            stack.push(() -> stopAll(services.values()));
            for (ServiceProcess service : services.values()) {
                progress.accept("Starting " + service.module() + " at " + service.baseUrl() + " (log: "
                        + service.log() + ")");
                service.start();
            }
            awaitReady(List.copyOf(services.values()), stack, progress);

            Running running = new Running(home, options.authFile().toAbsolutePath(), identity, postgres.jdbcUrl(),
                    kafka.bootstrapServers(), services, stack);
            AuthFile.write(running.authFile(), identity.accountId(), identity.apiKey(), running.controlPlaneUrl(),
                    running.inferenceBaseUrl());
            return running;
        } catch (IOException e) {
            stopAfterFailure(stack, e);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            stopAfterFailure(stack, e);
            throw e;
        }
    }

    private static Map<String, Path> serviceJars(Path repo) {
        Map<String, Path> jars = new LinkedHashMap<>();
        for (String module : MODULES) {
            Path jar = repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.isRegularFile(jar)) {
                throw new StartupException("Missing " + jar + ". Build the services first: ./mvnw -DskipTests install"
                        + " (./ember up does it for you).");
            }
            jars.put(module, jar);
        }
        return jars;
    }

    /** Fails before anything starts when a chosen port is taken, or asked for twice. */
    private static void checkPorts(Options options) {
        List<RequestedPort> requested = List.of(
                new RequestedPort("--control-plane-port", options.host(), options.controlPlanePort()),
                new RequestedPort("--data-plane-port", options.host(), options.dataPlanePort()),
                new RequestedPort("--scheduler-port", options.host(), options.schedulerPort()),
                new RequestedPort("--kafka-port", "127.0.0.1", options.kafkaPort()),
                new RequestedPort("--postgres-port", "127.0.0.1", options.postgresPort()));
        Map<Integer, String> flagByPort = new HashMap<>();
        for (RequestedPort port : requested) {
            if (port.number() == 0) {
                continue;
            }
            String other = flagByPort.putIfAbsent(port.number(), port.flag());
            if (other != null) {
                throw new StartupException(other + " and " + port.flag() + " both ask for port " + port.number() + ".");
            }
            Ports.requireFree(port.host(), port.number(), port.flag());
        }
    }

    private record RequestedPort(String flag, String host, int number) {
    }

    /** The chosen ports, with free ones picked for 0; picked after Kafka and PostgreSQL hold theirs. */
    private static Map<String, Integer> servicePorts(Options options) {
        Map<String, Integer> requested = Map.of(CONTROL_PLANE, options.controlPlanePort(), SCHEDULER,
                options.schedulerPort(), DATA_PLANE, options.dataPlanePort());
        Set<Integer> taken = new HashSet<>(requested.values());
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String module : MODULES) {
            int port = requested.get(module);
            if (port == 0) {
                do {
                    port = Ports.free(options.host());
                } while (!taken.add(port));
            }
            ports.put(module, port);
        }
        return ports;
    }

    /** Where clients connect: a wildcard listen address is reached through the loopback. */
    private static String urlHost(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    }

    private static void awaitReady(List<ServiceProcess> services, ShutdownStack stack, Consumer<String> progress) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        List<ServiceProcess> pending = new ArrayList<>(services);
        while (!pending.isEmpty()) {
            if (stack.isClosed()) {
                throw new StartupException("Stopped while starting.");
            }
            for (ServiceProcess service : services) {
                if (!service.isAlive()) {
                    throw new StartupException(service.module() + " exited with code " + service.exitCode()
                            + " while starting." + logTail(service));
                }
            }
            pending.removeIf(service -> {
                boolean ready = service.isReady(http);
                if (ready) {
                    progress.accept(service.module() + " is ready");
                }
                return ready;
            });
            if (!pending.isEmpty() && Instant.now().isAfter(deadline)) {
                throw new StartupException(pending.stream().map(ServiceProcess::module).collect(
                        Collectors.joining(", ")) + " not ready after " + READY_TIMEOUT.toSeconds() + " s."
                        + pending.stream().map(LocalPlatform::logTail).collect(Collectors.joining()));
            }
            sleep(Duration.ofMillis(500));
        }
    }

    static String logTail(ServiceProcess service) {
        return "\n---- last " + LOG_TAIL_LINES + " lines of " + service.log() + "\n"
                + service.logTail(LOG_TAIL_LINES) + "\n----";
    }

    /** SIGTERM to every service at once, then up to 20 s for all of them together before killing what is left. */
    private static void stopAll(Iterable<ServiceProcess> services) {
        services.forEach(ServiceProcess::requestStop);
        Instant deadline = Instant.now().plus(STOP_GRACE);
        services.forEach(service -> service.awaitStop(deadline));
    }

    private static void stopAfterFailure(ShutdownStack stack, Exception failure) {
        try {
            stack.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while waiting for the services.", e);
        }
    }

    /** A started platform. {@link #close()} stops the services, then Kafka, then PostgreSQL. */
    public static final class Running implements AutoCloseable {

        private final Path home;
        private final Path authFile;
        private final BootstrapIdentity identity;
        private final String databaseUrl;
        private final String kafkaBootstrapServers;
        private final Map<String, ServiceProcess> services;
        private final ShutdownStack stack;

        private Running(Path home, Path authFile, BootstrapIdentity identity, String databaseUrl,
                String kafkaBootstrapServers, Map<String, ServiceProcess> services, ShutdownStack stack) {
            this.home = home;
            this.authFile = authFile;
            this.identity = identity;
            this.databaseUrl = databaseUrl;
            this.kafkaBootstrapServers = kafkaBootstrapServers;
            this.services = services;
            this.stack = stack;
        }

        public String controlPlaneUrl() {
            return services.get(CONTROL_PLANE).baseUrl();
        }

        public String dataPlaneUrl() {
            return services.get(DATA_PLANE).baseUrl();
        }

        /** The OpenAI-compatible base URL clients are given. */
        public String inferenceBaseUrl() {
            return dataPlaneUrl() + "/inference/v1";
        }

        public String schedulerUrl() {
            return services.get(SCHEDULER).baseUrl();
        }

        public String accountId() {
            return identity.accountId();
        }

        public String apiKey() {
            return identity.apiKey();
        }

        public Path home() {
            return home;
        }

        /**
         * JDBC URL of the platform's PostgreSQL (user {@value EmbeddedPostgresServer#USER}, no password), where each
         * service keeps its own schema: for tests and operators who look at the tables.
         */
        /** The embedded Kafka broker's bootstrap servers, for tests that read the platform's events. */
        public String kafkaBootstrapServers() {
            return kafkaBootstrapServers;
        }

        public String databaseUrl() {
            return databaseUrl;
        }

        public Path authFile() {
            return authFile;
        }

        /** Each service's log file, by module name. */
        public Map<String, Path> logs() {
            Map<String, Path> logs = new LinkedHashMap<>();
            services.forEach((module, service) -> logs.put(module, service.log()));
            return logs;
        }

        /**
         * Kills one service ({@link #MODULES}) at once, with SIGKILL as a crash would: no graceful shutdown, whatever
         * it was doing is cut off. Returns once the process has exited. For tests of crash recovery.
         */
        public void kill(String module) {
            service(module).kill();
        }

        /**
         * Starts a killed service again, with the same port, environment and log file, and returns once it is ready.
         * A service that does not become ready fails as at {@link LocalPlatform#start(Options) start}, with the end
         * of its log. {@link #firstExit()} does not follow the new process.
         */
        public void restart(String module) {
            restart(module, Map.of());
        }

        /** {@link #restart(String)} with {@code extraEnv} over the service's environment for this run only. */
        public void restart(String module, Map<String, String> extraEnv) {
            ServiceProcess service = service(module);
            if (service.isAlive()) {
                throw new IllegalStateException(module + " is running; kill it before restarting it");
            }
            try {
                service.start(extraEnv);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            awaitReady(List.of(service), stack, message -> {
            });
        }

        private ServiceProcess service(String module) {
            ServiceProcess service = services.get(module);
            if (service == null) {
                throw new IllegalArgumentException("no service '" + module + "'; one of " + MODULES);
            }
            return service;
        }

        /** Completes when the first service exits, whether stopped by {@link #close()} or on its own. */
        CompletableFuture<ServiceProcess> firstExit() {
            CompletableFuture<ServiceProcess> first = new CompletableFuture<>();
            services.values().forEach(service -> service.onExit().thenAccept(first::complete));
            return first;
        }

        boolean isStopping() {
            return stack.isClosed();
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
