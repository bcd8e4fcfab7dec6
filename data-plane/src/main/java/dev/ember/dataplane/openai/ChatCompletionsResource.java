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
            return Response.ok(chat.stream(prepared), "text/event-stream")
                    .header("Cache-Control", "no-cache").build();
        }
        return Response.ok(chat.complete(prepared), MediaType.APPLICATION_JSON).build();
    }
}
