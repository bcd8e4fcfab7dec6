package dev.ember.dataplane.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Deployments served by real OpenAI-compatible servers (vLLM, SGLang, TGI...) instead of the simulated engine. Each
 * entry binds one deployment to one or more upstream base URLs, for example:
 *
 * <pre>
 * dataplane.proxy.upstreams.llama.deployment=accounts/acme/deployments/llama-vllm
 * dataplane.proxy.upstreams.llama.urls=http://vllm-0:8000/v1,http://vllm-1:8000/v1
 * dataplane.proxy.upstreams.llama.model=meta-llama/Llama-3.1-8B-Instruct
 * dataplane.proxy.upstreams.llama.api-key=...        (optional: sent as the upstream's Bearer key)
 * dataplane.proxy.upstreams.llama.timeout=PT2M       (optional)
 * </pre>
 *
 * or, as environment variables, {@code DATAPLANE_PROXY_UPSTREAMS_LLAMA_DEPLOYMENT=...}. docs/inference-api.md and
 * ADR 17 say what is forwarded.
 */
@ConfigMapping(prefix = "dataplane.proxy")
public interface ProxyConfig {

    /** By a short name of the operator's choosing (letters, digits, dashes). */
    Map<String, Upstream> upstreams();

    /** How long to wait for a TCP connection to an upstream. */
    @WithDefault("PT5S")
    Duration connectTimeout();

    /**
     * The most connections open to each upstream host (HTTP/1.1 keep-alive), shared out evenly among the event loops:
     * each loop opens and reuses its own share (at least one), so a request is served by one thread from end to end.
     */
    @WithDefault("512")
    int maxConnectionsPerHost();

    /** One deployment and the servers that serve it. */
    interface Upstream {

        /** The deployment's full name, {@code accounts/<account>/deployments/<deployment>}. */
        String deployment();

        /** Base URLs of the servers, up to and including their {@code /v1}; requests go to the least busy one. */
        List<String> urls();

        /** The model name the upstream serves (vLLM's --served-model-name); default: the deployment's base model. */
        Optional<String> model();

        /** Sent as {@code Authorization: Bearer} to the upstream; the caller's Ember key never is. */
        Optional<String> apiKey();

        /**
         * The longest the upstream may stay silent: before its response starts (a whole generation, for a request
         * that is not streamed) and between two pieces of a stream. Past it the request ends with 504.
         */
        @WithDefault("PT2M")
        Duration timeout();
    }
}
