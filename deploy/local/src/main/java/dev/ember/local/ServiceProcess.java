package dev.ember.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One service JVM: started from its packaged {@code quarkus-run.jar} with its output appended to a log file and its
 * pid in a pid file, probed for readiness, and stopped with SIGTERM first (or killed, and started again, by a
 * test that crashes it).
 */
final class ServiceProcess {

    private static final int TAIL_BYTES = 64 * 1024;
    /** JVM options for every service, in place of {@link #DEFAULT_JVM_OPTIONS}; split on whitespace. */
    static final String JAVA_OPTS_ENV = "EMBER_JAVA_OPTS";
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx768m", "-XX:+UseSerialGC");

    private final String module;
    private final Path jar;
    private final String baseUrl;
    private final Map<String, String> env;
    private final Path workDir;
    private final Path log;
    private final Path pidFile;
    private Process process;
    private boolean stopRequested;

    ServiceProcess(String module, Path jar, String baseUrl, Map<String, String> env, Path workDir, Path home) {
        this.module = module;
        this.jar = jar;
        this.baseUrl = baseUrl;
        this.env = Map.copyOf(env);
        this.workDir = workDir;
        this.log = logFile(home, module);
        this.pidFile = pidFile(home, module);
    }

    static Path logFile(Path home, String module) {
        return home.resolve("logs").resolve(module + ".log");
    }

    static Path pidFile(Path home, String module) {
        return home.resolve("run").resolve(module + ".pid");
    }

    String module() {
        return module;
    }

    String baseUrl() {
        return baseUrl;
    }

    Path log() {
        return log;
    }

    /** Starts the JVM, unless {@link #requestStop()} came first (Ctrl-C during the start). */
    synchronized void start() throws IOException {
        start(Map.of());
    }

    /** Starts the JVM with {@code extraEnv} over its usual environment (for tests that start it differently). */
    synchronized void start(Map<String, String> extraEnv) throws IOException {
        if (stopRequested) {
            throw new StartupException("Stopped while starting.");
        }
        Files.createDirectories(log.getParent());
        Files.createDirectories(pidFile.getParent());
        Files.writeString(log, "==== " + Instant.now() + " starting " + module + " at " + baseUrl + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions(System.getenv(JAVA_OPTS_ENV)));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().putAll(extraEnv);
        process = builder.start();
        Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
    }

    /** The options {@code value} (an {@code EMBER_JAVA_OPTS}) names, or the defaults when it is unset or blank. */
    static List<String> jvmOptions(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_JVM_OPTIONS;
        }
        return List.of(value.trim().split("\\s+"));
    }

    /** Whether {@code GET /q/health/ready} answers 200. */
    boolean isReady(HttpClient http) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    int exitCode() {
        return process.exitValue();
    }

    CompletableFuture<ServiceProcess> onExit() {
        return process.onExit().thenApply(p -> this);
    }

    /** Asks the JVM to stop (SIGTERM); Quarkus then shuts down gracefully. */
    synchronized void requestStop() {
        stopRequested = true;
        if (process != null) {
            process.destroy();
        }
    }

    /**
     * Kills the JVM at once (SIGKILL): no shutdown hook runs, as after a crash or an out-of-memory kill. Returns once
     * it has exited. The service can then be {@link #start() started} again.
     */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor();
            Files.deleteIfExists(pidFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("Interrupted while killing " + module + ".", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the process to end until {@code deadline}, then kills it. */
    synchronized void awaitStop(Instant deadline) {
        if (process == null) {
            return;
        }
        try {
            long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code count} lines of this service's log. */
    String logTail(int count) {
        return tail(log, count);
    }

    static String tail(Path file, int count) {
        if (!Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        // only the end of the file is read: the log keeps every earlier run
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops services that an earlier launcher started and could not stop because it was killed. Only a live process
     * running a {@code quarkus-run.jar} is stopped: a pid may since have been given to something else.
     */
    static void stopStale(List<Path> pidFiles, Duration grace) throws IOException {
        List<ProcessHandle> stale = new ArrayList<>();
        for (Path pidFile : pidFiles) {
            if (Files.exists(pidFile)) {
                stalePid(pidFile).flatMap(ProcessHandle::of)
                        .filter(p -> p.info().commandLine().map(c -> c.contains("quarkus-run.jar")).orElse(false))
                        .ifPresent(stale::add);
                Files.delete(pidFile);
            }
        }
        stale.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(grace);
        // polled: the JDK only notices slowly when a process that is not its child exits
        while (stale.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stale.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static Optional<Long> stalePid(Path pidFile) throws IOException {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
