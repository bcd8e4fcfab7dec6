package dev.ember.dataplane.grpc;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Tells a gRPC call whether its client has gone. On the shared HTTP port, Vert.x does not pass a client's cancel
 * (an HTTP/2 RST_STREAM) on to a call whose request has been read, which is every unary and server-streaming call
 * (eclipse-vertx/vert.x#5562, quarkusio/quarkus#46986): the call's cancel handler never runs. The HTTP/2 response
 * does see the reset, so an HTTP filter notes each gRPC request's response under an ID it adds to the request's
 * headers, and the call reads whether that response has closed.
 */
@ApplicationScoped
public class ClientDisconnects {

    /** The request header (gRPC metadata) carrying the ID; any value a client sends is replaced. */
    static final String CALL_HEADER = "x-ember-grpc-call";
    private static final int BEFORE_EVERY_ROUTE = 10_000;

    private final Map<String, HttpServerResponse> responses = new ConcurrentHashMap<>();

    void track(@Observes Filters filters) {
        filters.register(rc -> {
            String type = rc.request().getHeader("content-type");
            if (rc.request().version() == HttpVersion.HTTP_2 && type != null && type.startsWith("application/grpc")) {
                String id = UUID.randomUUID().toString();
                rc.request().headers().set(CALL_HEADER, id);
                responses.put(id, rc.response());
                rc.addEndHandler(done -> responses.remove(id));
            }
            rc.next();
        }, BEFORE_EVERY_ROUTE);
    }

    /** Whether the client of the call with this ID has reset or closed its stream; never, for an unknown ID. */
    BooleanSupplier gone(String id) {
        HttpServerResponse response = id == null ? null : responses.get(id);
        return response == null ? () -> false : response::closed;
    }

    /** The call with this ID has ended. */
    void forget(String id) {
        if (id != null) {
            responses.remove(id);
        }
    }
}
