package dev.ember.dataplane.proxy;

import java.util.List;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.observability.RequestIds;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.dataplane.messaging.LoadReporter;
import dev.ember.dataplane.messaging.UsageReporter;
import dev.ember.dataplane.metrics.InferenceMetrics;
import dev.ember.dataplane.openai.InferenceRoutes;
import dev.ember.dataplane.openai.InferenceService;
import dev.ember.dataplane.openai.OpenAiErrors;
import dev.ember.dataplane.ratelimit.Admission;
import dev.ember.dataplane.ratelimit.RateLimiter;

/**
 * One request forwarded to an upstream server, all on the event loop: the body with {@code model} rewritten to the
 * upstream's name (and, when streamed, {@code stream_options.include_usage} on, so the last chunk carries usage);
 * the upstream's response passed back as it arrives (a stream chunk by chunk, paused while the caller reads slowly);
 * usage, load and serving metrics recorded from what the upstream reports; the upstream's failures in the OpenAI
 * error shape (502 when it fails or cannot be reached, 504 when it stays silent past its timeout). A caller who
 * disconnects cancels the upstream request.
 */
final class ProxiedRequest {

    private static final Logger LOG = Logger.getLogger(ProxiedRequest.class);

    private final ProxyRoute services;
    private final RoutingContext rc;
    private final String endpoint;
    private final ObjectNode body;
    private final DeploymentSpec deployment;
    private final Upstreams.Pool pool;
    private final Upstreams.Target target;
    private final boolean streaming;
    private final UsageReporter.Key usageKey;
    private final RateLimiter.Decision rateLimits;
    private final StreamScanner scanner;
    private Runnable release;
    private LoadReporter.Tracked tracked;
    private InferenceMetrics.Request timing;
    private HttpClientRequest upstream;
    private boolean started;
    private boolean finished;

    ProxiedRequest(ProxyRoute services, RoutingContext rc, String endpoint, ObjectNode body,
            Admission.Admitted admitted, DeploymentSpec deployment, Upstreams.Pool pool, Upstreams.Target target) {
        this.services = services;
        this.rc = rc;
        this.endpoint = endpoint;
        this.body = body;
        this.deployment = deployment;
        this.pool = pool;
        this.target = target;
        this.streaming = body.path("stream").asBoolean(false);
        this.usageKey = admitted.usageKey();
        this.rateLimits = admitted.rateLimits();
        this.scanner = new StreamScanner(services.json);
    }

    void start() {
        body.put("model", pool.model().orElse(deployment.baseModel()));
        if (streaming) {
            JsonNode options = body.path("stream_options");
            (options.isObject() ? (ObjectNode) options : body.putObject("stream_options")).put("include_usage", true);
        }
        Buffer payload;
        try {
            payload = Buffer.buffer(services.json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        release = target.acquire();
        tracked = services.load.begin(deployment.name(), 0);
        timing = services.metrics.start(deployment.model().name(), deployment.name());
        rc.response().closeHandler(v -> callerLeft());

        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
                .setPort(target.port()).setSsl(target.ssl()).setURI(target.path(endpoint))
                .setIdleTimeout(pool.config().timeout().toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, streaming ? "text/event-stream" : "application/json");
        pool.apiKey().ifPresent(key -> options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key));
        String requestId = rc.get(RequestIds.MDC_KEY);
        if (requestId != null) {
            options.putHeader(RequestIds.HEADER, requestId);
        }
        services.client().request(options).compose(request -> {
            if (finished) {
                request.reset();
                return Future.failedFuture("the caller left");
            }
            upstream = request;
            // Its failures reach failed() through send()'s future too; this keeps Vert.x from logging them as unhandled.
            request.exceptionHandler(this::failed);
            return request.send(payload);
        }).onSuccess(this::respond).onFailure(this::failed);
    }

    private void respond(HttpClientResponse response) {
        if (finished) {
            return;
        }
        int status = response.statusCode();
        String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (status / 100 == 2 && streaming && type != null && type.startsWith("text/event-stream")) {
            stream(response);
            return;
        }
        response.body().onSuccess(whole -> {
            if (finished) {
                return;
            }
            if (status / 100 == 2) {
                whole(whole, type);
            } else {
                rejected(status, whole, response.getHeader(HttpHeaders.RETRY_AFTER));
            }
        }).onFailure(this::failed);
    }

    /** Passes the events on as they come, reading usage from them; the caller's pace holds the upstream back. */
    private void stream(HttpClientResponse response) {
        started = true;
        HttpServerResponse out = served(rc.response()).setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        response.handler(piece -> {
            int before = scanner.chunks();
            if (scanner.feed(piece) > 0) {
                if (before == 0) {
                    timing.firstToken();
                } else {
                    timing.nextToken();
                }
            }
            out.write(piece);
            if (out.writeQueueFull()) {
                response.pause();
                out.drainHandler(v -> response.resume());
            }
        });
        response.exceptionHandler(this::failed);
        response.endHandler(v -> {
            if (!finished) {
                out.end();
                finish(null);
            }
        });
    }

    /** A whole (not streamed) response: passed on as it is, with its prompt tokens in Fireworks' header. */
    private void whole(Buffer whole, String type) {
        timing.firstToken();
        int prompt = -1;
        int completion = -1;
        String finishReason = null;
        try {
            JsonNode reply = services.json.readTree(whole.getBytes());
            prompt = reply.path("usage").path("prompt_tokens").asInt(-1);
            completion = reply.path("usage").path("completion_tokens").asInt(-1);
            finishReason = reply.path("choices").path(0).path("finish_reason").textValue();
        } catch (java.io.IOException e) {
            // not JSON: passed on as it is, counted as our tokenizer counts it
        }
        HttpServerResponse out = served(rc.response()).putHeader(HttpHeaders.CONTENT_TYPE,
                type == null ? "application/json" : type);
        int promptTokens = prompt >= 0 ? prompt : estimatePrompt();
        out.putHeader(InferenceRoutes.PROMPT_TOKENS, Integer.toString(promptTokens));
        out.end(whole);
        finishWith(promptTokens, completion >= 0 ? completion : Tokenizer.count(whole.toString()), finishReason);
    }

    /**
     * The upstream refused the request. What the caller can act on keeps its status (400, 413, 422 as 400, 429, and
     * 503 with its Retry-After), with the upstream's message; anything else is the gateway's problem: 502.
     */
    private void rejected(int status, Buffer whole, String retryAfter) {
        JsonNode reply;
        try {
            reply = services.json.readTree(whole.getBytes());
        } catch (java.io.IOException e) {
            reply = services.json.createObjectNode();
        }
        JsonNode error = reply.path("error").isObject() ? reply.path("error") : reply;
        String message = error.path("message").isTextual()
                ? error.path("message").asText()
                : whole.length() > 0 && whole.length() <= 500 ? whole.toString() : "no message";
        String param = error.path("param").textValue();
        List<FieldViolation> violations = param == null ? List.of() : List.of(new FieldViolation(param, message));
        EmberException refused = switch (status) {
            case 400, 422 -> new EmberException(ErrorCode.INVALID_ARGUMENT, "invalid_request_error", message,
                    violations, null);
            case 413 -> new EmberException(ErrorCode.PAYLOAD_TOO_LARGE, "request_too_large", message);
            case 429 -> new EmberException(ErrorCode.RESOURCE_EXHAUSTED, "rate_limit_exceeded", message);
            case 503 -> new EmberException(ErrorCode.UNAVAILABLE, "upstream_unavailable", "upstream " + target.id()
                    + " is unavailable: " + message);
            default -> new EmberException(ErrorCode.BAD_GATEWAY, "upstream_error", "upstream " + target.id()
                    + " answered " + status + ": " + message);
        };
        if (status >= 500 || refused.code() == ErrorCode.BAD_GATEWAY) {
            LOG.warnf("Upstream %s of %s answered %d: %s", target.id(), deployment.name(), status, message);
        }
        if (retryAfter != null && (status == 429 || status == 503)) {
            rc.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        error(rc, services.json, refused);
        finishWith(0, 0, null);
    }

    /** The upstream could not be reached, stayed silent past its timeout, or broke off. */
    private void failed(Throwable cause) {
        if (finished) {
            return;
        }
        boolean timeout = cause instanceof TimeoutException;
        EmberException failure = timeout
                ? new EmberException(ErrorCode.DEADLINE_EXCEEDED, "upstream_timeout", "upstream " + target.id()
                        + " sent nothing for " + pool.config().timeout().toMillis() + " ms")
                : new EmberException(ErrorCode.BAD_GATEWAY, "upstream_unavailable", "upstream " + target.id()
                        + " failed: " + (cause.getMessage() == null
                                ? cause.getClass().getSimpleName()
                                : cause.getMessage()));
        LOG.warnf("Proxying to %s for %s: %s", target.id(), deployment.name(), failure.getMessage());
        if (!started) {
            error(rc, services.json, failure);
        } else if (!rc.response().closed() && !rc.response().ended()) {
            // The stream has begun: its status is sent; the error comes as a last event, as OpenAI's streams do.
            rc.response().end(Buffer.buffer("data: ").appendBuffer(json(services.json, failure)).appendString("\n\n"));
        }
        finish(null);
    }

    private void callerLeft() {
        if (finished) {
            return;
        }
        finish(null);
        if (upstream != null) {
            upstream.reset();
        }
    }

    /** Records what the request cost, once, however it ended; a stream that ended early is billed what it sent. */
    private void finish(String finishReason) {
        int prompt = scanner.promptTokens() >= 0 ? scanner.promptTokens() : estimatePrompt();
        int completion = scanner.completionTokens() >= 0 ? scanner.completionTokens() : scanner.chunks();
        finishWith(prompt, completion, finishReason == null ? scanner.finishReason() : finishReason);
    }

    private void finishWith(int prompt, int completion, String finishReason) {
        if (finished) {
            return;
        }
        finished = true;
        release.run();
        tracked.promptTokens(prompt);
        tracked.finish(completion);
        timing.finish(prompt, completion, finishReason);
        if (prompt > 0 || completion > 0) {
            services.usage.record(usageKey, prompt, completion);
        }
    }

    /** Our tokenizer's count of the prompt, for when the upstream reported none (a stream cut short). */
    private int estimatePrompt() {
        return promptTokens(body);
    }

    /**
     * The most tokens a request may cost, as the serverless tokens limit counts them before it is served: the prompt
     * as our tokenizer counts its text, plus {@code n} times {@code max_tokens} ({@code max_completion_tokens}), or
     * times what is left of the context up to Ember's default of 2,048 when the request sets none.
     */
    static long tokensAsked(JsonNode body, DeploymentSpec deployment) {
        int prompt = promptTokens(body);
        JsonNode max = body.has("max_completion_tokens") ? body.path("max_completion_tokens") : body.path("max_tokens");
        long most = max.isIntegralNumber() && max.canConvertToInt() && max.asInt() > 0
                ? max.asInt()
                : Math.min(InferenceService.DEFAULT_MAX_TOKENS, Math.max(0, deployment.contextLength() - prompt));
        JsonNode n = body.path("n");
        int choices = n.isIntegralNumber() && n.canConvertToInt() && n.asInt() > 0 ? n.asInt() : 1;
        return prompt + choices * most;
    }

    private static int promptTokens(JsonNode body) {
        StringBuilder text = new StringBuilder();
        body.path("messages").forEach(m -> text.append(m.path("content").asText("")).append('\n'));
        JsonNode prompt = body.path("prompt");
        if (prompt.isTextual()) {
            text.append(prompt.asText());
        }
        prompt.forEach(p -> text.append(p.asText("")).append('\n'));
        return Tokenizer.count(text.toString());
    }

    private HttpServerResponse served(HttpServerResponse response) {
        if (rateLimits != null) {
            rateLimits.headers().forEach(response::putHeader);
        }
        return response.setStatusCode(200).putHeader(InferenceRoutes.DEPLOYMENT, deployment.name())
                .putHeader(InferenceRoutes.REPLICA, target.id());
    }

    /** Answers with {@code e} in the OpenAI error shape. */
    static void error(RoutingContext rc, ObjectMapper json, EmberException e) {
        OpenAiErrors.write(rc.response(), json, OpenAiErrors.replyTo(e));
    }

    private static Buffer json(ObjectMapper json, EmberException e) {
        try {
            return Buffer.buffer(json.writeValueAsBytes(OpenAiErrors.replyTo(e).body()));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
