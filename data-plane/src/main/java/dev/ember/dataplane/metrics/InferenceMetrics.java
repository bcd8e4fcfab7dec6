package dev.ember.dataplane.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.ember.common.name.ReplicaName;
import dev.ember.dataplane.engine.ReplicaEngine;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * Serving metrics named after vLLM's ({@code vllm:time_to_first_token_seconds} is
 * {@code ember_time_to_first_token_seconds} here: Prometheus names from Micrometer cannot hold a colon), so
 * dashboards built for vLLM read Ember with a rename. Labels are {@code model} (the deployment's base model),
 * {@code deployment} and, for the engine gauges, {@code replica}: all come from the routing table, never from request
 * input, so their number is bounded by the deployments and replicas that exist. docs/observability.md lists them.
 */
@ApplicationScoped
public class InferenceMetrics {

    public static final String TIME_TO_FIRST_TOKEN = "ember.time.to.first.token";
    public static final String TIME_PER_OUTPUT_TOKEN = "ember.time.per.output.token";
    public static final String PROMPT_TOKENS = "ember.request.prompt.tokens";
    public static final String GENERATION_TOKENS = "ember.request.generation.tokens";
    public static final String REQUEST_SUCCESS = "ember.request.success";
    public static final String REQUESTS_RUNNING = "ember.num.requests.running";
    public static final String REQUESTS_WAITING = "ember.num.requests.waiting";

    /** vLLM's buckets for time to first token, in seconds. */
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    /** vLLM's buckets for time per output token, with finer ones below 10 ms where small models on fast GPUs are. */
    static final double[] TPOT_BUCKETS = {0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
            0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    /** 1-2-5 steps, as vLLM builds its token-count buckets, up to the longest contexts served. */
    static final double[] TOKEN_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000,
            50000, 100000, 200000, 500000, 1000000};
    private static final Duration[] TTFT_SLOS = durations(TTFT_BUCKETS);
    private static final Duration[] TPOT_SLOS = durations(TPOT_BUCKETS);
    /** How often the engine gauges pick up replicas that appeared or went away (their values are read live). */
    static final Duration REPLICA_REFRESH = Duration.ofSeconds(1);

    @Inject
    MeterRegistry registry;

    @Inject
    RoutingTable routing;

    @Inject
    Vertx vertx;

    private final Map<Labels, Meters> byDeployment = new ConcurrentHashMap<>();
    private MultiGauge running;
    private MultiGauge waiting;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        running = MultiGauge.builder(REQUESTS_RUNNING)
                .description("Requests in the replica's running batch (vllm:num_requests_running)")
                .register(registry);
        waiting = MultiGauge.builder(REQUESTS_WAITING)
                .description("Requests waiting for a slot in the replica's batch (vllm:num_requests_waiting)")
                .register(registry);
        refreshReplicas();
        timer = vertx.setPeriodic(REPLICA_REFRESH.toMillis(), id -> refreshReplicas());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One gauge row per replica this instance routes to; replicas that are gone lose their rows. */
    void refreshReplicas() {
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> waitingRows = new ArrayList<>();
        for (RoutingTable.Replica replica : routing.replicas()) {
            String deployment = replica.state().deployment();
            String model = routing.deployment(deployment).map(d -> d.baseModel()).orElse("");
            Tags tags = Tags.of("model", model, "deployment", deployment, "replica", replicaId(replica));
            runningRows.add(MultiGauge.Row.of(tags, replica, r -> r.startedEngine().map(ReplicaEngine::batchSize)
                    .orElse(0)));
            waitingRows.add(MultiGauge.Row.of(tags, replica, r -> r.startedEngine().map(ReplicaEngine::queueLength)
                    .orElse(0)));
        }
        running.register(runningRows, true);
        waiting.register(waitingRows, true);
    }

    private static String replicaId(RoutingTable.Replica replica) {
        String name = replica.state().name();
        try {
            return ReplicaName.parse("name", name).replica();
        } catch (RuntimeException e) {
            return name;
        }
    }

    /** Starts timing one request served by {@code deployment}'s {@code model}; finish it however it ends. */
    public Request start(String model, String deployment) {
        Meters meters = byDeployment.get(new Labels(model, deployment));
        if (meters == null) {
            meters = byDeployment.computeIfAbsent(new Labels(model, deployment), Meters::new);
        }
        return new Request(meters, System.nanoTime());
    }

    /** What a request's meters are labelled with. */
    private record Labels(String model, String deployment) {
    }

    /**
     * The meters of one model and deployment, registered once: a request records into them without building a meter
     * id, its tags or its buckets again (the serving path allocates less and looks nothing up in the registry).
     */
    private final class Meters {

        final Tags tags;
        final DistributionSummary promptTokens;
        final DistributionSummary generationTokens;
        final Map<String, Counter> successes = new ConcurrentHashMap<>();
        /** Registered by the first request that has a first (next) token, as the timers always were. */
        private volatile Timer timeToFirstToken;
        private volatile Timer perToken;

        Meters(Labels labels) {
            tags = Tags.of("model", labels.model(), "deployment", labels.deployment());
            promptTokens = DistributionSummary.builder(PROMPT_TOKENS)
                    .description("Prompt tokens of a request (vllm:request_prompt_tokens)")
                    .tags(tags).serviceLevelObjectives(TOKEN_BUCKETS).register(registry);
            generationTokens = DistributionSummary.builder(GENERATION_TOKENS)
                    .description("Generated tokens of a request (vllm:request_generation_tokens)")
                    .tags(tags).serviceLevelObjectives(TOKEN_BUCKETS).register(registry);
        }

        Timer timeToFirstToken() {
            Timer timer = timeToFirstToken;
            if (timer == null) {
                timer = Timer.builder(TIME_TO_FIRST_TOKEN)
                        .description("From the request's arrival at the engine to its first token "
                                + "(vllm:time_to_first_token_seconds)")
                        .tags(tags).serviceLevelObjectives(TTFT_SLOS).register(registry);
                timeToFirstToken = timer;
            }
            return timer;
        }

        Timer perToken() {
            Timer timer = perToken;
            if (timer == null) {
                timer = Timer.builder(TIME_PER_OUTPUT_TOKEN)
                        .description("Between two output tokens of a request (vllm:time_per_output_token_seconds)")
                        .tags(tags).serviceLevelObjectives(TPOT_SLOS).register(registry);
                perToken = timer;
            }
            return timer;
        }

        Counter success(String finishReason) {
            Counter counter = successes.get(finishReason);
            return counter != null
                    ? counter
                    : successes.computeIfAbsent(finishReason, reason -> Counter
                            .builder(REQUEST_SUCCESS)
                            .description(
                                    "Requests that delivered their reply, by finish reason (vllm:request_success_total)")
                            .tags(tags.and("finished_reason", reason)).register(registry));
        }
    }

    /** One request's timings, taken as its tokens are delivered. Used by one thread at a time. */
    public static final class Request {

        private final Meters meters;
        private final long startNanos;
        private long lastTokenNanos = -1;

        private Request(Meters meters, long startNanos) {
            this.meters = meters;
            this.startNanos = startNanos;
        }

        /** The first token is out: time to first token. */
        public void firstToken() {
            lastTokenNanos = System.nanoTime();
            meters.timeToFirstToken().record(lastTokenNanos - startNanos, TimeUnit.NANOSECONDS);
        }

        /** Another token is out: the gap since the previous one. */
        public void nextToken() {
            long now = System.nanoTime();
            Timer perToken = meters.perToken();
            if (lastTokenNanos >= 0) {
                perToken.record(now - lastTokenNanos, TimeUnit.NANOSECONDS);
            }
            lastTokenNanos = now;
        }

        /**
         * The request ended. A request that delivered its reply counts as a success with vLLM's finish reason
         * ({@code stop} or {@code length}); token counts are recorded for every request that started generating.
         */
        public void finish(int promptTokens, int generatedTokens, String finishReason) {
            meters.promptTokens.record(promptTokens);
            meters.generationTokens.record(generatedTokens);
            if (finishReason != null) {
                meters.success(finishReason).increment();
            }
        }
    }

    private static Duration[] durations(double[] seconds) {
        Duration[] result = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            result[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
        }
        return result;
    }
}
