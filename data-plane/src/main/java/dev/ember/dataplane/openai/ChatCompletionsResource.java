package dev.ember.dataplane.openai;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.ember.dataplane.auth.InferenceAuth;

/** The OpenAI-compatible endpoint: any OpenAI SDK pointed at {@code http://host:8081/inference/v1} works. */
@Path("/inference/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ChatCompletionsResource {

    @Inject
    InferenceAuth auth;

    @Inject
    ChatService chat;

    @POST
    @Path("chat/completions")
    public ChatCompletion chatCompletions(@HeaderParam("Authorization") String authorization,
            ChatCompletionRequest request) {
        return chat.complete(auth.authenticate(authorization), request);
    }
}
