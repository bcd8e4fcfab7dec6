package dev.ember.scheduler.reconcile;

import org.jboss.logging.Logger;

/**
 * The lines one tick logs about single deployments and replicas, bounded: the first {@link #LIMIT} at INFO as they
 * happen, the rest at DEBUG and counted, and one INFO line at the end of the tick saying how many were left out. A
 * tick where hundreds of deployments scale together (a burst) would otherwise spend tens of milliseconds writing
 * their lines to the console while it holds the scheduler lock; the events and metrics carry every change anyway.
 */
final class TickLog {

    /** Lines a tick logs at INFO before it only counts them. */
    static final int LIMIT = 20;

    private final Logger log;
    private int lines;

    TickLog(Logger log) {
        this.log = log;
    }

    /** Starts a tick's count (a tick that failed halfway may have left one). */
    void begin() {
        lines = 0;
    }

    /** Logs one line (a {@code String.format} pattern) at INFO while the tick is under its limit, else at DEBUG. */
    void info(String format, Object... params) {
        lines++;
        if (lines <= LIMIT) {
            log.infof(format, params);
        } else if (log.isDebugEnabled()) {
            log.debugf(format, params);
        }
    }

    /** The lines logged so far in this tick (at INFO or not). */
    int lines() {
        return lines;
    }

    /** Ends the tick: one INFO line counting what was left out, if anything was. */
    void end() {
        if (lines > LIMIT) {
            log.infof("... and %d more deployment and replica changes in this tick (each at DEBUG on %s)",
                    lines - LIMIT, log.getName());
        }
    }
}
