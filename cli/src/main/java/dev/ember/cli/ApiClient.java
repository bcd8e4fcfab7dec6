package dev.ember.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Sends {@link Request}s to the control plane with the API key, and turns error answers into {@link ApiException}. */
public final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final String base;
    private final String apiKey;

    public ApiClient(String base, String apiKey) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.base = base;
        this.apiKey = apiKey;
    }

    public String base() {
        return base;
    }

    HttpClient http() {
        return http;
    }

    String apiKey() {
        return apiKey;
    }

    /** The answer's JSON ({@code {}} for an empty one), or an {@link ApiException} for an error status. */
    public JsonNode send(Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(request.url(base)))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        if (request.body() != null) {
            builder.header("Content-Type", "application/json")
                    .method(request.method(), HttpRequest.BodyPublishers.ofString(request.body().toString()));
        } else {
            builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = exchange(builder.build(), HttpResponse.BodyHandlers.ofString(), base);
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw ApiException.from(response.statusCode(), body, response.body());
        }
        return body != null ? body : JsonNodeFactory.instance.objectNode();
    }

    /** Sends one request, reporting an unreachable server as an error that says where it looked. */
    public <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String server) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.ERROR, "cannot reach " + server + " (is Ember running? ./ember up;"
                    + " or pass --api-base / set api_base in auth.ini)", e);
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.ERROR, "no answer from " + server + " within "
                    + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.ERROR, "request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.ERROR, "interrupted", e);
        }
    }

    public static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
