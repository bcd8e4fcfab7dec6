package dev.ember.controlplane.grpc;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.mutiny.Uni;

import dev.ember.controlplane.auth.Authenticator;
import dev.ember.controlplane.auth.Caller;

/**
 * gRPC calls carry the API key as REST requests do, in {@code authorization: Bearer <key>} metadata. The interceptor
 * keeps the header for the call; {@link #call} authenticates it and runs the method as that caller, turning every
 * failure into a gRPC status.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuthentication implements ServerInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> HEADER = Context.key("ember-authorization");

    @Inject
    Authenticator authenticator;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(HEADER, headers.get(AUTHORIZATION)), call, headers,
                next);
    }

    /** Runs {@code method} as the caller the call's API key names. */
    public <T> Uni<T> call(Function<Caller, Uni<T>> method) {
        String header = HEADER.get();
        Uni<T> result = Uni.createFrom().deferred(() -> authenticator.authenticate(header)
                .chain(caller -> method.apply(caller)));
        return result.onFailure().transform(GrpcErrors::toStatus);
    }
}
