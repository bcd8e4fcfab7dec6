package dev.ember.dataplane.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.name.DeploymentName;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * The deployments served by upstream OpenAI-compatible servers, read once from {@link ProxyConfig}. A misconfigured
 * entry (a bad deployment name or URL, a deployment bound twice) stops the data plane at startup with what is wrong.
 */
@ApplicationScoped
public class Upstreams {

    /** One upstream server: where it is and the requests it is serving now. */
    public static final class Target {

        private final String id;
        private final boolean ssl;
        private final String host;
        private final int port;
        private final String basePath;
        private final AtomicInteger outstanding = new AtomicInteger();

        Target(String id, URI base) {
            this.id = id;
            this.ssl = "https".equals(base.getScheme());
            this.host = base.getHost();
            this.port = base.getPort() > 0 ? base.getPort() : ssl ? 443 : 80;
            String path = base.getRawPath() == null ? "" : base.getRawPath();
            this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }

        /** {@code <upstream name>/<index>}, what the {@code x-ember-replica} header says. */
        public String id() {
            return id;
        }

        boolean ssl() {
            return ssl;
        }

        String host() {
            return host;
        }

        int port() {
            return port;
        }

        /** The path of {@code endpoint} ("/chat/completions") on this server. */
        String path(String endpoint) {
            return basePath + endpoint;
        }

        int outstanding() {
            return outstanding.get();
        }

        /** Counts a request until the returned handle runs. */
        Runnable acquire() {
            outstanding.incrementAndGet();
            return outstanding::decrementAndGet;
        }
    }

    /** A deployment's upstream servers and how to talk to them. */
    public record Pool(String name, String deployment, List<Target> targets, Optional<String> model,
            Optional<String> apiKey, ProxyConfig.Upstream config) {

        /** The server with the fewest requests in flight. */
        Target leastLoaded() {
            return targets.stream().min(Comparator.comparingInt(Target::outstanding)).orElseThrow();
        }

        /**
         * The server for a request: with a session key, the one the key hashes to (rendezvous hashing, as
         * {@link RoutingTable#pick} does for replicas), so a session's requests reuse its server's prefix cache;
         * without one, the least loaded.
         */
        Target pick(String session) {
            if (session == null) {
                return leastLoaded();
            }
            return targets.stream().max(Comparator.comparingLong((Target t) -> RoutingTable.affinity(session, t.id()))
                    .thenComparing(Target::id)).orElseThrow();
        }
    }

    private final Map<String, Pool> byDeployment = new HashMap<>();

    @Inject
    Upstreams(ProxyConfig config) {
        config.upstreams().forEach((name, upstream) -> {
            String deployment = DeploymentName.parse("dataplane.proxy.upstreams." + name + ".deployment",
                    upstream.deployment()).toString();
            if (upstream.urls().isEmpty()) {
                throw new IllegalArgumentException("dataplane.proxy.upstreams." + name + ".urls: at least one URL");
            }
            List<Target> targets = new ArrayList<>();
            for (String url : upstream.urls()) {
                targets.add(new Target(name + "/" + targets.size(), base(name, url.strip())));
            }
            Pool previous = byDeployment.put(deployment, new Pool(name, deployment, List.copyOf(targets),
                    upstream.model().filter(m -> !m.isBlank()), upstream.apiKey().filter(k -> !k.isBlank()),
                    upstream));
            if (previous != null) {
                throw new IllegalArgumentException("dataplane.proxy.upstreams: " + deployment + " is bound twice, by "
                        + previous.name() + " and " + name);
            }
        });
    }

    private static URI base(String name, String url) {
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null) {
                throw new URISyntaxException(url, "an http:// or https:// URL with a host and no query is expected");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("dataplane.proxy.upstreams." + name + ".urls: '" + url + "' is not a "
                    + "base URL such as http://vllm:8000/v1 (" + e.getReason() + ")", e);
        }
    }

    /** Whether any deployment is proxied. */
    public boolean any() {
        return !byDeployment.isEmpty();
    }

    /** The upstream servers of the deployment, when it is proxied. */
    public Optional<Pool> of(String deployment) {
        return Optional.ofNullable(byDeployment.get(deployment));
    }

    /**
     * Refuses to serve a proxied deployment anywhere but through the proxy's HTTP routes (chat and text completions):
     * its replicas are its servers, and the simulated engine must not answer for them (over gRPC, or on
     * {@code /embeddings}).
     */
    public void requireSimulated(String deployment) {
        if (byDeployment.containsKey(deployment)) {
            throw new EmberException(ErrorCode.FAILED_PRECONDITION, "proxied_deployment", "'" + deployment
                    + "' is served by the OpenAI-compatible server it is bound to, over HTTP only: on "
                    + "/inference/v1/chat/completions and /inference/v1/completions");
        }
    }
}
