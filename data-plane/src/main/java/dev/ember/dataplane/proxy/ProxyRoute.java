package dev.ember.dataplane.proxy;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.dataplane.auth.InferenceAuth;
import dev.ember.dataplane.messaging.LoadReporter;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.metrics.InferenceMetrics;
import dev.ember.dataplane.openai.InferenceRoutes;
import dev.ember.dataplane.ratelimit.Admission;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ModelResolver;

/**
 * Serves the requests for proxied deployments ({@link Upstreams}) on the event loop, ahead of the simulated
 * endpoints: the caller's key and {@code model} are checked as for any request, the request is admitted as any is
 * ({@link Admission}: serverless rate limits, usage key), its server chosen ({@code x-session-affinity} or least
 * loaded), then it is forwarded ({@link ProxiedRequest}). Anything else, including every request the checks refuse, goes on to the simulated
 * endpoints, which answer it as they always do. With no upstream configured, no route is added at all.
 */
@ApplicationScoped
public class ProxyRoute {

    static final Map<String, String> ENDPOINTS = Map.of("/inference/v1/chat/completions", "/chat/completions",
            "/inference/v1/completions", "/completions");

    @Inject
    Upstreams upstreams;

    @Inject
    ProxyConfig config;

    @Inject
    InferenceAuth auth;

    @Inject
    ModelResolver models;

    @Inject
    Admission admission;

    @Inject
    LoadReporter load;

    @Inject
    UsageReporter usage;

    @Inject
    InferenceMetrics metrics;

    @Inject
    ObjectMapper json;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M")
    MemorySize maxBodySize;

    /** Each event loop's client, by its thread. */
    private final Map<Thread, HttpClient> clients = new ConcurrentHashMap<>();
    HttpClientOptions clientOptions;

    void routes(@Observes Router router) {
        if (!upstreams.any()) {
            return;
        }
        int eventLoops = 0;
        for (EventExecutor ignored : ((VertxInternal) vertx).getEventLoopGroup()) {
            eventLoops++;
        }
        clientOptions = new HttpClientOptions().setName("ember-upstreams").setKeepAlive(true)
                .setMaxPoolSize(perEventLoop(config.maxConnectionsPerHost(), eventLoops))
                .setConnectTimeout((int) config.connectTimeout().toMillis());
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodySize.asLongValue());
        ENDPOINTS.forEach((path, endpoint) -> router.post(path).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                .handler(body).handler(rc -> handle(rc, endpoint)));
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::close);
    }

    private void handle(RoutingContext rc, String endpoint) {
        Optional<ObjectNode> body = object(rc);
        if (body.isEmpty()) {
            rc.next();
            return;
        }
        KeyCache.Key caller;
        DeploymentSpec deployment;
        try {
            caller = auth.authenticate(rc.request().getHeader("Authorization"));
            deployment = models.resolve(body.get().path("model").asText(), caller);
        } catch (EmberException refused) {
            rc.next();
            return;
        }
        Optional<Upstreams.Pool> pool = upstreams.of(deployment.name());
        if (pool.isEmpty()) {
            rc.next();
            return;
        }
        JsonNode stream = body.get().path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            ProxiedRequest.error(rc, json, InvalidArgumentException.field("stream", "must be true or false"));
            return;
        }
        String session = rc.request().getHeader(InferenceRoutes.SESSION_AFFINITY);
        if (session != null && session.length() > InferenceRoutes.MAX_SESSION_LENGTH) {
            rc.next(); // refused by the endpoints, as for any deployment
            return;
        }
        Admission.Admitted admitted;
        try {
            admitted = admission.admit(caller, deployment, () -> ProxiedRequest.tokensAsked(body.get(), deployment),
                    body.get().has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        } catch (EmberException refused) {
            ProxiedRequest.error(rc, json, refused);
            return;
        }
        new ProxiedRequest(this, rc, endpoint, body.get(), admitted, deployment, pool.get(),
                pool.get().pick(session == null || session.isEmpty() ? null : session)).start();
    }

    /** The request's body when it is a JSON object with a string {@code model}. */
    private Optional<ObjectNode> object(RoutingContext rc) {
        if (rc.body().isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode body = json.readTree(rc.body().buffer().getBytes());
            return body instanceof ObjectNode o && o.path("model").isTextual() ? Optional.of(o) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The client of the calling event loop: its own pool of keep-alive connections to each upstream host, opened on
     * that loop. A request is read, forwarded and answered by the one thread that accepted it: a connection opened by
     * another loop would pass every write and every response between two threads, and each pass waits for the other
     * thread to be scheduled, which on a busy machine is what the slowest requests wait for.
     */
    HttpClient client() {
        Thread loop = Thread.currentThread();
        HttpClient client = clients.get(loop);
        return client != null ? client : clients.computeIfAbsent(loop, t -> vertx.createHttpClient(clientOptions));
    }

    /** Each event loop's share of {@code maxConnectionsPerHost}, at least one. */
    static int perEventLoop(int maxConnectionsPerHost, int eventLoops) {
        return Math.max(1, (maxConnectionsPerHost + eventLoops - 1) / eventLoops);
    }
}
