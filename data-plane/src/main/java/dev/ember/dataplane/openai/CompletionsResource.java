package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.function.Function;
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

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.dataplane.auth.InferenceAuth;
import dev.ember.dataplane.ratelimit.RateLimiter;
import dev.ember.dataplane.ratelimit.ServerlessConfig;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ReplicaWaiters;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * The OpenAI-compatible endpoints, chat and text completions and embeddings: any OpenAI SDK pointed at
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
    /** Fireworks' session affinity header: requests with the same value go to the same replica. */
    public static final String SESSION_AFFINITY = "x-session-affinity";
    /** Opt-in: hold the request up to this many seconds for a replica instead of answering 503 at once. */
    public static final String WAIT_FOR_REPLICA = "x-ember-wait-for-replica";
    public static final int MAX_SESSION_LENGTH = 256;

    @Inject
    InferenceAuth auth;

    @Inject
    ChatService chat;

    @Inject
    CompletionService completions;

    @Inject
    EmbeddingService embeddings;

    @Inject
    ReplicaWaiters waiters;

    @Inject
    ServerlessConfig serverless;

    @POST
    @Path("chat/completions")
    @Blocking
    public Uni<Response> chatCompletions(@HeaderParam("Authorization") String authorization,
            @HeaderParam(SESSION_AFFINITY) String session, @HeaderParam(WAIT_FOR_REPLICA) String wait,
            ChatCompletionRequest request) {
        return handle(authorization, session, wait, request, chat::prepare,
                prepared -> respond(prepared, () -> chat.stream(prepared), () -> chat.complete(prepared)));
    }

    @POST
    @Path("completions")
    @Blocking
    public Uni<Response> completions(@HeaderParam("Authorization") String authorization,
            @HeaderParam(SESSION_AFFINITY) String session, @HeaderParam(WAIT_FOR_REPLICA) String wait,
            CompletionRequest request) {
        return handle(authorization, session, wait, request, completions::prepare, prepared -> respond(prepared,
                () -> completions.stream(prepared), () -> completions.complete(prepared)));
    }

    @POST
    @Path("embeddings")
    @Blocking
    public Uni<Response> embeddings(@HeaderParam("Authorization") String authorization,
            @HeaderParam(SESSION_AFFINITY) String session, @HeaderParam(WAIT_FOR_REPLICA) String wait,
            EmbeddingRequest request) {
        return handle(authorization, session, wait, request, embeddings::prepare, prepared -> {
            InferenceService.Completed completed = embeddings.embed(prepared);
            return served(Response.ok(completed.body(), MediaType.APPLICATION_JSON), prepared.rateLimits(),
                    prepared.promptTokens(), prepared.deployment(), prepared.replica())
                    .header(TIME_TO_FIRST_TOKEN, completed.timeToFirstToken().toMillis()).build();
        });
    }

    /** How an endpoint validates a request and prepares it on a replica. */
    @FunctionalInterface
    interface Preparer<R, P> {

        P prepare(KeyCache.Key caller, R request, InferenceService.Routing routing);
    }

    /**
     * Authenticates, reads the routing headers, then serves the request (held for a replica when it asks, and its key
     * checked again when the replica is ready: one revoked meanwhile is a 401, not served).
     */
    private <R, P> Uni<Response> handle(String authorization, String session, String wait, R request,
            Preparer<R, P> preparer, Function<P, Response> respond) {
        KeyCache.Key caller = auth.authenticate(authorization);
        InferenceService.Routing routed = routing(session);
        Duration hold = hold(wait);
        R body = required(request);
        return waiters.hold(hold, () -> auth.recheck(authorization), () -> preparer.prepare(caller, body, routed))
                .map(respond);
    }

    private static <T> T required(T body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a JSON request body is required");
        }
        return body;
    }

    private static InferenceService.Routing routing(String session) {
        if (session == null || session.isEmpty()) {
            return InferenceService.Routing.NONE;
        }
        if (session.length() > MAX_SESSION_LENGTH) {
            throw InvalidArgumentException.field(SESSION_AFFINITY, "must be at most " + MAX_SESSION_LENGTH
                    + " characters, got " + session.length());
        }
        return new InferenceService.Routing(session);
    }

    /** How long the request may be held for a replica: none without the header, else 0 to the configured maximum. */
    private Duration hold(String wait) {
        if (wait == null) {
            return Duration.ZERO;
        }
        long max = serverless.maxWaitForReplica().toSeconds();
        try {
            long seconds = Long.parseLong(wait.strip());
            if (seconds >= 0 && seconds <= max) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw InvalidArgumentException.field(WAIT_FOR_REPLICA, "must be a whole number of seconds from 0 to " + max
                + ", got '" + wait + "'");
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

    /**
     * Fireworks' performance headers, which deployment and replica served the request, and on serverless traffic the
     * account's rate limits.
     */
    private static Response.ResponseBuilder served(Response.ResponseBuilder response,
            InferenceService.Prepared prepared) {
        return served(response, prepared.rateLimits(), prepared.promptTokens(), prepared.deployment(),
                prepared.replica());
    }

    private static Response.ResponseBuilder served(Response.ResponseBuilder response, RateLimiter.Decision rateLimits,
            int promptTokens, String deployment, RoutingTable.Replica replica) {
        if (rateLimits != null) {
            rateLimits.headers().forEach(response::header);
        }
        return response.header(PROMPT_TOKENS, promptTokens)
                .header(DEPLOYMENT, deployment)
                .header(REPLICA, replica.state().name());
    }
}
