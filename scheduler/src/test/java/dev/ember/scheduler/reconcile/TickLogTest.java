package dev.ember.scheduler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class TickLogTest {

    /** Records what reaches it, at INFO and DEBUG. */
    static final class Recording extends Logger {

        final List<String> lines = new ArrayList<>();

        Recording() {
            super("dev.ember.scheduler.reconcile.Reconciler");
        }

        @Override
        public boolean isEnabled(Level level) {
            return level.ordinal() <= Level.DEBUG.ordinal();
        }

        @Override
        protected void doLog(Level level, String loggerClassName, Object message, Object[] parameters,
                Throwable thrown) {
            lines.add(level + " " + message);
        }

        @Override
        protected void doLogf(Level level, String loggerClassName, String format, Object[] parameters,
                Throwable thrown) {
            lines.add(level + " " + String.format(format, parameters));
        }
    }

    @Test
    void aQuietTickLogsEveryChangeAtInfoAndNothingMore() {
        Recording log = new Recording();
        TickLog tick = new TickLog(log);
        tick.begin();
        tick.info("Deployment %s: %d -> %d replica(s)", "d-1", 1, 2);
        tick.info("Replica %s is READY", "r-1");
        tick.end();

        assertThat(log.lines).containsExactly("INFO Deployment d-1: 1 -> 2 replica(s)", "INFO Replica r-1 is READY");
    }

    @Test
    void aBurstLogsTheFirstChangesAtInfoTheRestAtDebugAndCountsThem() {
        Recording log = new Recording();
        TickLog tick = new TickLog(log);
        tick.begin();
        for (int i = 0; i < 870; i++) {
            tick.info("Deployment d-%d: 1 -> 2 replica(s)", i);
        }
        tick.end();

        assertThat(log.lines.stream().filter(l -> l.startsWith("INFO "))).hasSize(TickLog.LIMIT + 1)
                .startsWith("INFO Deployment d-0: 1 -> 2 replica(s)")
                .endsWith("INFO ... and 850 more deployment and replica changes in this tick (each at DEBUG on "
                        + "dev.ember.scheduler.reconcile.Reconciler)");
        assertThat(log.lines).contains("DEBUG Deployment d-869: 1 -> 2 replica(s)").hasSize(871);
    }

    @Test
    void eachTickHasItsOwnBudget() {
        Recording log = new Recording();
        TickLog tick = new TickLog(log);
        tick.begin();
        for (int i = 0; i < 30; i++) {
            tick.info("first %d", i);
        }
        // A tick that failed before its end: the next one starts its count again.
        tick.begin();
        tick.info("second %d", 0);
        tick.end();

        assertThat(log.lines).endsWith("INFO second 0");
    }
}
