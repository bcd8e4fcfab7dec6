package dev.ember.dataplane.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.JsonErrors;
import dev.ember.dataplane.ratelimit.RateLimitedException;

/**
 * Every inference error in the OpenAI shape {@code {"error": {"object", "type", "code", "message", "param"}}}, with
 * the HTTP status from the common error table ({@link OpenAiError}, which the gRPC API shares).
 */
public class OpenAiErrors {

    private static final Logger LOG = Logger.getLogger(OpenAiErrors.class);

    @ServerExceptionMapper
    public Response ember(EmberException e) {
        return respond(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(JsonErrors.invalidArgument(e));
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
        return body(status, OpenAiError.typeFor(status), status == 404 ? "not_found" : "invalid_request_error", message,
                null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected error", e);
        return body(500, "internal_error", "internal_error", "internal error", null);
    }

    static Response respond(EmberException e) {
        if (e.code().httpStatus() >= 500) {
            LOG.warnf("Inference refused: %s", e.getMessage());
        }
        OpenAiError error = OpenAiError.of(e);
        Response.ResponseBuilder response = builder(error.httpStatus(), error.type(), error.code(), error.message(),
                error.param());
        headersOf(e).forEach(response::header);
        return response.build();
    }

    /**
     * The headers that go with {@code e}: {@code Retry-After} (seconds) when it says when to retry, and on a 429 of
     * the serverless rate limits the account's {@code x-ratelimit-*}.
     */
    public static Map<String, String> headersOf(EmberException e) {
        OpenAiError error = OpenAiError.of(e);
        Map<String, String> headers = new LinkedHashMap<>();
        if (error.retryAfter() != null) {
            headers.put("Retry-After", Long.toString(error.retryAfter().toSeconds()));
        }
        if (e instanceof RateLimitedException limited) {
            headers.putAll(limited.decision().headers());
        }
        return headers;
    }

    /** The body of {@code e} for handlers that write their own responses (the proxy): {@code {"error": {...}}}. */
    public static Map<String, Object> bodyOf(EmberException e) {
        OpenAiError error = OpenAiError.of(e);
        return error(error.type(), error.code(), error.message(), error.param());
    }

    private static Response body(int status, String type, String code, String message, String param) {
        return builder(status, type, code, message, param).build();
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

    private static Response.ResponseBuilder builder(int status, String type, String code, String message,
            String param) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error(type, code, message, param));
    }
}
