package dev.ember.common.reactive;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs a reactive task at most once at a time, on a fresh safe Vert.x context (reactive Hibernate sessions need
 * one). A trigger while it runs makes it run once more afterwards; the task may also ask to run again at once (more
 * work left).
 */
public final class SingleFlight {

    private static final Logger LOG = Logger.getLogger(SingleFlight.class);

    private final Vertx vertx;
    private final String name;
    private final Supplier<Uni<Boolean>> task;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;

    /** {@code task} yields true when it left work undone and should run again immediately. */
    public SingleFlight(Vertx vertx, String name, Supplier<Uni<Boolean>> task) {
        this.vertx = vertx;
        this.name = name;
        this.task = task;
    }

    public void trigger() {
        if (stopped) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(
                v -> Uni.createFrom().<Boolean>deferred(task::get).subscribe().with(this::done, failure -> {
                    LOG.warnf(failure, "%s failed; it runs again on the next trigger", name);
                    running.set(false);
                }));
    }

    /** Triggers every {@code periodMillis} until {@link #stop()}. Returns the timer id. */
    public long every(long periodMillis) {
        return vertx.setPeriodic(periodMillis, id -> trigger());
    }

    public void stop() {
        stopped = true;
    }

    private void done(Boolean more) {
        running.set(false);
        if (Boolean.TRUE.equals(more) || again.get()) {
            trigger();
        }
    }
}
