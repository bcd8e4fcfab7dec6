package dev.ember.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The platform as `./ember up` runs it (embedded PostgreSQL and Kafka), set up for bench/data-plane.sh: a deployment
 * {@code bench-proxy} of the local account, which the data plane proxies to the upstream the script configured in
 * the environment ({@code DATAPLANE_PROXY_UPSTREAMS_BENCH_*}, inherited by the services); or, with {@code engine} as
 * the third argument, a deployment {@code bench-engine} with one replica on the simulated engine, placed by the
 * scheduler (the platform runs 60 times faster until the replica is ready, so its download is quick). Once the data
 * plane serves it, the scheduler and the control plane are stopped so the two cores serve only the data plane, and
 * what the script needs (key, URL, model, the data plane's pid) is written to the file given as the first argument.
 * Runs until it is sent SIGTERM, then stops the platform.
 */
public final class DataPlaneBench {

    static final String PROXIED = "bench-proxy";
    static final String SIMULATED = "bench-engine";

    public static void main(String[] args) throws Exception {
        Path ready = Path.of(args[0]).toAbsolutePath();
        Path home = Path.of(args.length > 1 ? args[1] : "target/bench-data-plane-home").toAbsolutePath();
        Files.deleteIfExists(ready);
        boolean engine = args.length > 2 && args[2].equals("engine");
        PlatformClient.deleteTree(home);
        LocalPlatform.Options isolated = LocalPlatform.Options.isolated(Path.of(".").toAbsolutePath().normalize(),
                home);
        LocalPlatform.Running platform = LocalPlatform.start(engine
                ? new LocalPlatform.Options(isolated.repo(), isolated.home(), isolated.authFile(), isolated.host(), 0,
                        0, 0, 0, 0, 60)
                : isolated, line -> System.out.println(line));
        Runtime.getRuntime().addShutdownHook(new Thread(platform::close));
        if (!engine) {
            platform.kill(LocalPlatform.SCHEDULER);
        }
        String deploymentId = engine ? SIMULATED : PROXIED;

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(platform.controlPlaneUrl()
                + "/v1/accounts/" + platform.accountId() + "/deployments?deploymentId=" + deploymentId))
                .header("Authorization", "Bearer " + platform.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\", "
                                + "\"minReplicaCount\": 1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException("creating the deployment: " + created.statusCode() + " "
                    + created.body());
        }
        String model = "accounts/" + platform.accountId() + "/deployments/" + deploymentId;
        HttpRequest chat = HttpRequest.newBuilder(URI.create(platform.inferenceBaseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + platform.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"" + model
                        + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .build();
        HttpResponse<String> served = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos(); System.nanoTime() < deadline;) {
            served = http.send(chat, HttpResponse.BodyHandlers.ofString());
            if (served.statusCode() == 200 && (engine || served.headers().firstValue("x-ember-replica").orElse("")
                    .startsWith("bench/"))) {
                break;
            }
            Thread.sleep(500);
        }
        if (served == null || served.statusCode() != 200) {
            throw new IllegalStateException("the data plane does not serve " + model + " (for the proxy: is "
                    + "DATAPLANE_PROXY_UPSTREAMS_BENCH_DEPLOYMENT set?): " + (served == null
                            ? ""
                            : served.statusCode()
                                    + " " + served.body()));
        }
        if (engine) {
            platform.kill(LocalPlatform.SCHEDULER);
        }
        platform.kill(LocalPlatform.CONTROL_PLANE);
        String pid = Files.readString(home.resolve("run").resolve(LocalPlatform.DATA_PLANE + ".pid")).strip();
        Path partial = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(partial, "EMBER_URL=" + platform.inferenceBaseUrl() + "\nEMBER_KEY=" + platform.apiKey()
                + "\nEMBER_MODEL=" + model + "\nEMBER_PID=" + pid + "\n", StandardCharsets.UTF_8);
        Files.move(partial, ready);
        System.out.println("ready: " + ready);
        Thread.currentThread().join();
    }
}
