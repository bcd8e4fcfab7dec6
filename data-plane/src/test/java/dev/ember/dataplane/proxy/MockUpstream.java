package dev.ember.dataplane.proxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A real OpenAI-compatible server on a local port, as vLLM answers: a fixed chat or text completion with usage,
 * streamed as vLLM streams it (a role chunk, one chunk per token 100 ms apart, a finish chunk, a usage chunk when
 * asked, {@code [DONE]}). The last message says what else to do: {@code fail} (500), {@code invalid} (400 on
 * temperature), {@code silent} (never answers), {@code endless} (streams until the caller leaves). The data plane
 * is configured with a deployment bound to it, a serverless one bound to it twice (two servers), and one bound to a
 * port nothing listens on.
 */
public class MockUpstream implements QuarkusTestResourceLifecycleManager {

    static final String DEPLOYMENT = "accounts/acme/deployments/vllm";
    static final String DOWN = "accounts/acme/deployments/vllm-down";
    /** A serverless deployment (of the platform's account) served by two upstream servers (both this mock). */
    static final String SERVERLESS = "accounts/fireworks/deployments/vllm-serverless";
    static final String SERVED_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    static final String UPSTREAM_KEY = "upstream-secret";
    static final List<String> TOKENS = List.of("Hello", " from", " the", " upstream", "!");
    static final int PROMPT_TOKENS = 12;

    /** A request the mock received. */
    record Received(String path, Map<String, String> headers, JsonObject body) {
    }

    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** Streams of {@code endless} whose caller went away (the mock saw its connection closed). */
    static final AtomicInteger ENDLESS_CLOSED = new AtomicInteger();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(this::handle);
        int port;
        try {
            port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "dataplane.proxy.upstreams.mock.deployment", DEPLOYMENT,
                "dataplane.proxy.upstreams.mock.urls", "http://127.0.0.1:" + port + "/v1",
                "dataplane.proxy.upstreams.mock.model", SERVED_MODEL,
                "dataplane.proxy.upstreams.mock.api-key", UPSTREAM_KEY,
                "dataplane.proxy.upstreams.mock.timeout", "PT1S",
                "dataplane.proxy.upstreams.pair.deployment", SERVERLESS,
                "dataplane.proxy.upstreams.pair.urls", "http://127.0.0.1:" + port + "/v1,http://127.0.0.1:" + port
                        + "/v1",
                "dataplane.proxy.upstreams.down.deployment", DOWN,
                "dataplane.proxy.upstreams.down.urls", "http://127.0.0.1:" + closedPort() + "/v1");
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            JsonObject body = buffer.toJsonObject();
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
            RECEIVED.add(new Received(request.path(), headers, body));
            boolean chat = request.path().equals("/v1/chat/completions");
            String say = chat ? lastMessage(body) : body.getString("prompt", "");
            switch (say) {
                case "fail" -> request.response().setStatusCode(500).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("object", "error").put("message", "CUDA out of memory")
                                .put("type", "InternalServerError").put("code", 500).encode());
                case "invalid" -> request.response().setStatusCode(400).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", new JsonObject()
                                .put("message", "temperature must be non-negative, got -1.0")
                                .put("type", "BadRequestError").put("param", "temperature").put("code", 400))
                                .encode());
                case "silent" -> {
                    // never answers
                }
                case "endless" -> endless(request);
                default -> {
                    if (body.getBoolean("stream", false)) {
                        stream(request, body, chat);
                    } else {
                        request.response().putHeader("content-type", "application/json")
                                .end(whole(body, chat).encode());
                    }
                }
            }
        });
    }

    private static String lastMessage(JsonObject body) {
        JsonArray messages = body.getJsonArray("messages");
        return messages.getJsonObject(messages.size() - 1).getString("content");
    }

    static JsonObject usage() {
        return new JsonObject().put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", TOKENS.size())
                .put("total_tokens", PROMPT_TOKENS + TOKENS.size());
    }

    private static JsonObject whole(JsonObject body, boolean chat) {
        String text = String.join("", TOKENS);
        JsonObject choice = new JsonObject().put("index", 0).put("finish_reason", "stop").putNull("logprobs");
        if (chat) {
            choice.put("message", new JsonObject().put("role", "assistant").put("content", text));
        } else {
            choice.put("text", text);
        }
        return new JsonObject().put("id", chat ? "chatcmpl-upstream" : "cmpl-upstream")
                .put("object", chat ? "chat.completion" : "text_completion").put("created", 1700000000)
                .put("model", body.getString("model")).put("choices", new JsonArray().add(choice))
                .put("usage", usage());
    }

    private void stream(HttpServerRequest request, JsonObject body, boolean chat) {
        var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        boolean usage = body.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false);
        response.write(event(chunk(body, chat, new JsonObject().put("role", "assistant").put("content", ""), null)));
        for (int i = 0; i < TOKENS.size(); i++) {
            String token = TOKENS.get(i);
            boolean last = i == TOKENS.size() - 1;
            vertx.setTimer(100L * (i + 1), t -> {
                response.write(event(chunk(body, chat, new JsonObject().put("content", token), null)));
                if (last) {
                    response.write(event(chunk(body, chat, new JsonObject(), "stop")));
                    if (usage) {
                        response.write(event(new JsonObject().put("id", "chatcmpl-upstream")
                                .put("object", "chat.completion.chunk").put("model", body.getString("model"))
                                .put("choices", new JsonArray()).put("usage", usage())));
                    }
                    response.end("data: [DONE]\n\n");
                }
            });
        }
    }

    private void endless(HttpServerRequest request) {
        var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        JsonObject body = new JsonObject().put("model", SERVED_MODEL);
        response.write(event(chunk(body, true, new JsonObject().put("role", "assistant").put("content", ""), null)));
        long timer = vertx.setPeriodic(50, t -> response.write(event(chunk(body, true,
                new JsonObject().put("content", " and"), null))));
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            ENDLESS_CLOSED.incrementAndGet();
        });
    }

    private static JsonObject chunk(JsonObject body, boolean chat, JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("finish_reason", finishReason);
        if (chat) {
            choice.put("delta", delta);
        } else {
            choice.put("text", delta.getString("content", ""));
        }
        return new JsonObject().put("id", chat ? "chatcmpl-upstream" : "cmpl-upstream")
                .put("object", chat ? "chat.completion.chunk" : "text_completion").put("created", 1700000000)
                .put("model", body.getString("model")).put("choices", new JsonArray().add(choice));
    }

    private static String event(JsonObject chunk) {
        return "data: " + chunk.encode() + "\n\n";
    }
}
