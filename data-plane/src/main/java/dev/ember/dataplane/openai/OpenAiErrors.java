package dev.ember.dataplane.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.JsonErrors;
import dev.ember.dataplane.ratelimit.RateLimitedException;

/**
 * Every inference error in the OpenAI shape {@code {"error": {"object", "type", "code", "message", "param"}}}, with
 * the HTTP status from the common error table ({@link OpenAiError}, which the gRPC API shares).
 */
public class OpenAiErrors {

    private static final Logger LOG = Logger.getLogger(OpenAiErrors.class);

    /** An error response as the endpoints send it: status, headers, and the {@code {"error": {...}}} body. */
    public record Reply(int status, Map<String, String> headers, Map<String, Object> body) {

        Response toResponse() {
            Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
            headers.forEach(response::header);
            return response.build();
        }
    }

    @ServerExceptionMapper
    public Response ember(EmberException e) {
        return replyTo(e).toResponse();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return replyTo(e).toResponse();
    }

    /** Quarkus has its own mappers for these two; ours give the API's error shape. */
    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        String message = status == 404 ? "no such API path" : e.getMessage();
        return new Reply(status, Map.of(), error(OpenAiError.typeFor(status),
                status == 404 ? "not_found" : "invalid_request_error", message, null)).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        return replyTo(e).toResponse();
    }

    /**
     * The response to {@code e}: an {@link EmberException} with its status, code, {@code Retry-After} and, for a
     * rate limit, the {@code x-ratelimit-*} headers; a body that is not the JSON expected as 400; anything else 500.
     */
    public static Reply replyTo(Throwable e) {
        if (e instanceof EmberException ember) {
            return reply(ember);
        }
        if (e instanceof JsonProcessingException json) {
            return reply(JsonErrors.invalidArgument(json));
        }
        LOG.error("Unexpected error", e);
        return new Reply(500, Map.of(), error("internal_error", "internal_error", "internal error", null));
    }

    private static Reply reply(EmberException e) {
        if (e.code().httpStatus() >= 500) {
            LOG.warnf("Inference refused: %s", e.getMessage());
        }
        OpenAiError error = OpenAiError.of(e);
        Map<String, String> headers = new LinkedHashMap<>();
        if (error.retryAfter() != null) {
            headers.put("Retry-After", Long.toString(error.retryAfter().toSeconds()));
        }
        if (e instanceof RateLimitedException limited) {
            headers.putAll(limited.decision().headers());
        }
        return new Reply(error.httpStatus(), headers,
                error(error.type(), error.code(), error.message(), error.param()));
    }

    /**
     * Writes {@code reply} as the response, for the handlers that write their own (the inference routes, the proxy);
     * nothing when the response has ended or its client has gone.
     */
    public static void write(HttpServerResponse response, ObjectMapper json, Reply reply) {
        if (response.closed() || response.ended()) {
            return;
        }
        reply.headers().forEach(response::putHeader);
        try {
            response.setStatusCode(reply.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Buffer.buffer(json.writeValueAsBytes(reply.body())));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static Map<String, Object> error(String type, String code, String message, String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("object", "error");
        error.put("type", type);
        error.put("code", code);
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        return Map.of("error", error);
    }
}
