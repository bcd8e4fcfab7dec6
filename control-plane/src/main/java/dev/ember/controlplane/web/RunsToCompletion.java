package dev.ember.controlplane.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.interceptor.InterceptorBinding;

/**
 * The work a request started runs to its end even when the caller goes away. An HTTP client that closes its
 * connection (or a gRPC client that cancels) cancels the request's {@code Uni}; cancelled in the middle of a
 * transaction, Hibernate Reactive closes the session while a statement is in flight and the connection never goes
 * back to the pool, its transaction still open (quarkusio/quarkus#51576, hibernate-reactive#2926), so enough departed
 * clients leave no connection for anyone. On a REST resource or gRPC service (the class or a method), every
 * {@code Uni} it returns is run by a subscription of its own ({@link Detached}): a cancelled caller stops waiting for
 * it, and the work commits or rolls back as it would have and returns its connection.
 */
@InterceptorBinding
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface RunsToCompletion {
}
