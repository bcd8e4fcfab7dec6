package dev.ember.controlplane.web;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import io.smallrye.mutiny.Uni;

/** Runs the {@code Uni}s of {@link RunsToCompletion} methods to their end, whatever their subscribers do meanwhile. */
@RunsToCompletion
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE)
public class Detached {

    /** {@code work}, run to its end once subscribed: cancelling the returned Uni only stops waiting for it. */
    public static <T> Uni<T> run(Uni<T> work) {
        return Uni.createFrom().emitter(emitter -> work.subscribe().with(emitter::complete, emitter::fail));
    }

    @AroundInvoke
    Object detach(InvocationContext context) throws Exception {
        Object result = context.proceed();
        return result instanceof Uni<?> uni ? run(uni) : result;
    }
}
