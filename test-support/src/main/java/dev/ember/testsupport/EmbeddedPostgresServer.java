package dev.ember.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky embedded binaries) with its data in {@code dataDir}. A server left running by a
 * process that was killed is stopped before starting again on the same folder.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String DATABASE = "postgres";
    public static final String USER = "postgres";

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    public EmbeddedPostgresServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? EmbeddedKafka.freePort() : port;
    }

    public EmbeddedPostgresServer start() {
        try {
            Files.createDirectories(dataDir);
            stopOrphan(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // The embedded builder turns synchronous commits off; the platform tells a user a change is saved
                    // once it committed, so a commit waits for its WAL to reach the disk, as PostgreSQL's default does.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on");
            // For diagnosis, e.g. -Dember.pg.preload=pg_stat_statements (bench/README.md says how to read it).
            String preload = System.getProperty("ember.pg.preload");
            if (preload != null && !preload.isBlank()) {
                builder.setServerConfig("shared_preload_libraries", preload);
            }
            postgres = builder.start();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = null;
        }
    }

    /** Stops a postmaster whose pid file is in {@code dir} and that outlived the JVM that started it. */
    static void stopOrphan(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> orphan = lines.isEmpty()
                ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        if (orphan.isPresent() && orphan.get().isAlive()
                && orphan.get().info().command().map(c -> c.contains("postgres")).orElse(false)) {
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                orphan.get().destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile);
    }
}
