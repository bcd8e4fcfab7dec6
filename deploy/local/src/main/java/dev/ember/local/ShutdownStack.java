package dev.ember.local;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the launcher has started, stopped once in reverse order: by {@link #close()}, or by a JVM shutdown hook when
 * the user presses Ctrl-C or the launcher gets SIGTERM, also halfway through a start.
 */
final class ShutdownStack implements AutoCloseable {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Thread hook = new Thread(this::close, "ember-local-stop");
    private volatile boolean closed;

    ShutdownStack() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Remembers {@code resource} to close later; closes it at once when the stack is already closed. */
    synchronized <T extends AutoCloseable> T push(T resource) {
        if (closed) {
            closeQuietly(resource);
            throw new StartupException("Stopped while starting.");
        }
        started.push(resource);
        return resource;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        IllegalStateException failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the local platform failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and runs the hook, which now finds nothing left to stop
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // the stack is closed because the launcher is exiting; there is nobody left to tell
        }
    }
}
