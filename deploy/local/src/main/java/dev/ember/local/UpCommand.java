package dev.ember.local;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ember up}: starts the platform, prints how to use it, and runs until Ctrl-C. */
@Command(name = "up", sortOptions = false, description = {
        "Starts Ember on this machine and runs it until Ctrl-C.",
        "PostgreSQL and Kafka run in this process; the control plane, scheduler and data plane run as child JVMs."
                + " Data and logs stay in the home folder between runs."})
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR", description = "Where data, logs and the bootstrap key live (default: $EMBER_HOME, else <repo>/.ember).")
    Path home;

    @Option(names = "--control-plane-port", paramLabel = "PORT", defaultValue = "8080", description = "Control plane HTTP port (default: ${DEFAULT-VALUE}).")
    int controlPlanePort;

    @Option(names = "--data-plane-port", paramLabel = "PORT", defaultValue = "8081", description = "Data plane (inference) HTTP port (default: ${DEFAULT-VALUE}).")
    int dataPlanePort;

    @Option(names = "--scheduler-port", paramLabel = "PORT", defaultValue = "8082", description = "Scheduler HTTP port (default: ${DEFAULT-VALUE}).")
    int schedulerPort;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address the services listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--time-scale", paramLabel = "N", defaultValue = "${env:EMBER_TIME_SCALE:-1}", description = "Run the platform clock N times faster, e.g. to see scale-to-zero in minutes"
            + " (default: $EMBER_TIME_SCALE, else 1).")
    double timeScale;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "0", description = "Kafka port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--postgres-port", paramLabel = "PORT", defaultValue = "0", description = "PostgreSQL port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int postgresPort;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() throws IOException {
        LocalPlatform.Options options = options();
        sendInfraLogTo(options.home().resolve("logs").resolve("infra.log"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LocalPlatform.Running running;
        try {
            running = LocalPlatform.start(options, out::println);
        } catch (StartupException e) {
            err.println("Ember did not start: " + e.getMessage());
            return 1;
        }
        Banner.print(out, running);
        ServiceProcess exited = running.firstExit().join();
        if (running.isStopping()) {
            return 0;
        }
        err.println(exited.module() + " stopped on its own with code " + exited.exitCode() + "; stopping Ember."
                + LocalPlatform.logTail(exited));
        running.close();
        return 1;
    }

    /** Kafka and PostgreSQL log through slf4j-simple, which reads these before it makes its first logger. */
    private static void sendInfraLogTo(Path log) throws IOException {
        Files.createDirectories(log.getParent());
        System.setProperty("org.slf4j.simpleLogger.logFile", log.toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }

    private LocalPlatform.Options options() {
        for (int port : new int[]{controlPlanePort, dataPlanePort, schedulerPort, kafkaPort, postgresPort}) {
            if (port < 0 || port > 65535) {
                throw new ParameterException(spec.commandLine(), "Invalid port " + port + ": use 0 to 65535.");
            }
        }
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new ParameterException(spec.commandLine(), "Invalid --time-scale " + timeScale
                    + ": use a positive number.");
        }
        Path repo = Path.of(System.getProperty("ember.repo", "")).toAbsolutePath().normalize();
        String emberHome = System.getenv("EMBER_HOME");
        Path resolvedHome;
        Path authFile;
        if (home != null) {
            resolvedHome = home;
            authFile = home.resolve("auth.ini");
        } else if (emberHome != null && !emberHome.isBlank()) {
            resolvedHome = Path.of(emberHome);
            authFile = resolvedHome.resolve("auth.ini");
        } else {
            resolvedHome = repo.resolve(".ember");
            authFile = Path.of(System.getProperty("user.home"), ".ember", "auth.ini");
        }
        return new LocalPlatform.Options(repo, resolvedHome, authFile, host, controlPlanePort, dataPlanePort,
                schedulerPort, kafkaPort, postgresPort, timeScale);
    }
}
