package dev.ember.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One Kafka broker and one PostgreSQL server for a test JVM, started on first use and stopped when the JVM exits.
 * Quarkus loads test resource managers in a new class loader per test profile, so the running infra is found
 * through system properties (plain strings) rather than static fields of this class.
 */
public final class EmberInfra {

    static final String PREFIX = "ember.test.infra.";
    private static final String ROOT = "target/ember-infra";

    private EmberInfra() {
    }

    /** Quarkus configuration pointing a service at the shared infra, starting it when this JVM has none yet. */
    public static synchronized Map<String, String> config() {
        if (System.getProperty(PREFIX + "kafka.bootstrap.servers") == null) {
            start();
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                config.put(name.substring(PREFIX.length()), System.getProperty(name));
            }
        }
        return config;
    }

    private static void start() {
        Path root = Path.of(ROOT).toAbsolutePath();
        cleanStale(root);
        Path dir = root.resolve(UUID.randomUUID().toString());
        EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(dir.resolve("pg"), 0).start();
        EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            postgres.close();
            deleteTree(dir);
        }, "ember-infra-stop"));
        set("kafka.bootstrap.servers", kafka.bootstrapServers());
        set("quarkus.datasource.reactive.url", postgres.reactiveUrl());
        set("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        set("quarkus.datasource.username", EmbeddedPostgresServer.USER);
        set("quarkus.datasource.password", "");
    }

    private static void set(String key, String value) {
        System.setProperty(PREFIX + key, value);
    }

    /** Folders of earlier test JVMs that were killed: stop their PostgreSQL and remove them. */
    private static void cleanStale(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.forEach(dir -> {
                try {
                    EmbeddedPostgresServer.stopOrphan(dir.resolve("pg"));
                } catch (IOException | RuntimeException e) {
                    // best effort: a folder another live JVM uses keeps its server
                }
                deleteTree(dir);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers are removed by the next run's cleanStale
        }
    }
}
