package dev.ember.controlplane.error;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.ember.common.error.ApiError;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.JsonErrors;

/** Every failure leaves the control plane as a google.rpc.Status body with the status from {@link ErrorCode}. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

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
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        ErrorCode code = ErrorCode.forHttpStatus(status);
        String message = status == 404 ? "no such API path" : e.getMessage();
        ApiError body = ApiError.of(new EmberException(code, code.name(), message));
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        EmberException wrapped = EmberExceptions.unwrap(e);
        if (wrapped != null) {
            return respond(wrapped);
        }
        LOG.error("Unexpected error", e);
        return respond(new EmberException(ErrorCode.INTERNAL, "INTERNAL", "internal error"));
    }

    public static Response respond(EmberException e) {
        if (e.code().httpStatus() >= 500) {
            LOG.error("Request failed", e);
        }
        return Response.status(e.code().httpStatus()).type(MediaType.APPLICATION_JSON).entity(ApiError.of(e)).build();
    }
}
