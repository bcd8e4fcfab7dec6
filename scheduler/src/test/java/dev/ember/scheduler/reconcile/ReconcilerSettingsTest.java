package dev.ember.scheduler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;

import dev.ember.scheduler.config.SchedulerConfig;

/** The reconciler refuses to start on a setting it cannot run with, saying which and why. */
class ReconcilerSettingsTest {

    @Test
    void aTickThatMayChangeNothingIsRefusedAtStart() {
        assertThatThrownBy(() -> Reconciler.checked(withMaxChangesPerTick(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheduler.max-changes-per-tick must be at least 1, not 0");
        assertThatThrownBy(() -> Reconciler.checked(withMaxChangesPerTick(-5)))
                .hasMessageContaining("not -5");
    }

    @Test
    void oneChangePerTickIsEnough() {
        SchedulerConfig config = withMaxChangesPerTick(1);
        assertThat(Reconciler.checked(config)).isSameAs(config);
    }

    /** A configuration whose only setting read is the bound. */
    private static SchedulerConfig withMaxChangesPerTick(int bound) {
        return (SchedulerConfig) Proxy.newProxyInstance(SchedulerConfig.class.getClassLoader(),
                new Class<?>[]{SchedulerConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("maxChangesPerTick")) {
                        return bound;
                    }
                    throw new AssertionError("the check read " + method.getName() + ", not only the bound");
                });
    }
}
