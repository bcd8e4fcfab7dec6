package dev.ember.dataplane.grpc;

import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The metadata of an inference call: keeps its {@code authorization} header for the method, and adds what the
 * method learns while serving (which deployment and replica, the prompt tokens, the time to first token) to the
 * response headers, or to the trailers when it is learnt after the headers have gone.
 */
@ApplicationScoped
public class InferenceCallMetadata implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> HEADER = Context.key("ember-authorization");
    static final Context.Key<Served> SERVED = Context.key("ember-served");

    @Inject
    ClientDisconnects disconnects;

    /** What a call tells its client besides its messages (filled from the worker that serves it), and whether the
     * client is still there. */
    static final class Served {

        private final BooleanSupplier clientGone;
        private final Metadata headers = new Metadata();
        private final Metadata trailers = new Metadata();
        private boolean headersSent;

        Served(BooleanSupplier clientGone) {
            this.clientGone = clientGone;
        }

        boolean clientGone() {
            return clientGone.getAsBoolean();
        }

        /** A response header, or a trailer if the headers are already out. */
        synchronized void put(String name, Object value) {
            Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
            (headersSent ? trailers : headers).put(key, String.valueOf(value));
        }

        synchronized void trailer(String name, Object value) {
            trailers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), String.valueOf(value));
        }

        synchronized void sendingHeaders(Metadata out) {
            out.merge(headers);
            headersSent = true;
        }

        synchronized void closing(Metadata out) {
            if (!headersSent) {
                out.merge(headers);
            }
            out.merge(trailers);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String id = headers.get(Metadata.Key.of(ClientDisconnects.CALL_HEADER, Metadata.ASCII_STRING_MARSHALLER));
        Served served = new Served(disconnects.gone(id));
        ServerCall<Q, R> reporting = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {

            @Override
            public void sendHeaders(Metadata out) {
                served.sendingHeaders(out);
                super.sendHeaders(out);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                served.closing(trailers);
                disconnects.forget(id);
                super.close(status, trailers);
            }
        };
        Context context = Context.current().withValues(HEADER, headers.get(AUTHORIZATION), SERVED, served);
        return Contexts.interceptCall(context, reporting, headers, next);
    }
}
