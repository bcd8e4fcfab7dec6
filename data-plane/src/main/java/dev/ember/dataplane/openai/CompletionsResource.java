package dev.ember.dataplane.openai;

import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.dataplane.auth.InferenceAuth;

/**
 * The OpenAI-compatible endpoints, chat and text completions: any OpenAI SDK pointed at
 * {@code http://host:8081/inference/v1} works.
 */
@Path("/inference/v1")
@Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
@Consumes(MediaType.APPLICATION_JSON)
public class CompletionsResource {

    public static final String PROMPT_TOKENS = "fireworks-prompt-tokens";
    public static final String TIME_TO_FIRST_TOKEN = "fireworks-server-time-to-first-token";
    public static final String DEPLOYMENT = "x-ember-deployment";
    public static final String REPLICA = "x-ember-replica";

    @Inject
    InferenceAuth auth;

    @Inject
    ChatService chat;

    @Inject
    CompletionService completions;

    @POST
    @Path("chat/completions")
    public Response chatCompletions(@HeaderParam("Authorization") String authorization,
            ChatCompletionRequest request) {
        InferenceService.Prepared prepared = chat.prepare(auth.authenticate(authorization), required(request));
        return respond(prepared, () -> chat.stream(prepared), () -> chat.complete(prepared));
    }

    @POST
    @Path("completions")
    public Response completions(@HeaderParam("Authorization") String authorization, CompletionRequest request) {
        InferenceService.Prepared prepared = completions.prepare(auth.authenticate(authorization), required(request));
        return respond(prepared, () -> completions.stream(prepared), () -> completions.complete(prepared));
    }

    private static <T> T required(T body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a JSON request body is required");
        }
        return body;
    }

    /** A stream of events, or the whole response with Fireworks' time to first token. */
    private static Response respond(InferenceService.Prepared prepared, Supplier<StreamingOutput> stream,
            Supplier<InferenceService.Completed> complete) {
        if (prepared.streaming()) {
            return served(Response.ok(stream.get(), "text/event-stream"), prepared)
                    .header("Cache-Control", "no-cache").build();
        }
        InferenceService.Completed completed = complete.get();
        return served(Response.ok(completed.body(), MediaType.APPLICATION_JSON), prepared)
                .header(TIME_TO_FIRST_TOKEN, completed.timeToFirstToken().toMillis()).build();
    }

    /** Fireworks' performance headers, and which deployment and replica served the request. */
    private static Response.ResponseBuilder served(Response.ResponseBuilder response,
            InferenceService.Prepared prepared) {
        return response.header(PROMPT_TOKENS, prepared.promptTokens())
                .header(DEPLOYMENT, prepared.deployment())
                .header(REPLICA, prepared.replica().state().name());
    }
}
