package dev.ember.dataplane.openai;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.ember.dataplane.auth.InferenceAuth;

/** The OpenAI-compatible endpoint: any OpenAI SDK pointed at {@code http://host:8081/inference/v1} works. */
@Path("/inference/v1")
@Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
@Consumes(MediaType.APPLICATION_JSON)
public class ChatCompletionsResource {

    public static final String PROMPT_TOKENS = "fireworks-prompt-tokens";
    public static final String TIME_TO_FIRST_TOKEN = "fireworks-server-time-to-first-token";
    public static final String DEPLOYMENT = "x-ember-deployment";
    public static final String REPLICA = "x-ember-replica";

    @Inject
    InferenceAuth auth;

    @Inject
    ChatService chat;

    @POST
    @Path("chat/completions")
    public Response chatCompletions(@HeaderParam("Authorization") String authorization,
            ChatCompletionRequest request) {
        ChatService.Prepared prepared = chat.prepare(auth.authenticate(authorization), request);
        if (prepared.streaming()) {
            return served(Response.ok(chat.stream(prepared), "text/event-stream"), prepared)
                    .header("Cache-Control", "no-cache").build();
        }
        ChatService.Completed completed = chat.complete(prepared);
        return served(Response.ok(completed.completion(), MediaType.APPLICATION_JSON), prepared)
                .header(TIME_TO_FIRST_TOKEN, completed.timeToFirstToken().toMillis()).build();
    }

    /** Fireworks' performance headers, and which deployment and replica served the request. */
    private static Response.ResponseBuilder served(Response.ResponseBuilder response, ChatService.Prepared p) {
        return response.header(PROMPT_TOKENS, p.promptTokens())
                .header(DEPLOYMENT, p.deployment())
                .header(REPLICA, p.replica().state().name());
    }
}
