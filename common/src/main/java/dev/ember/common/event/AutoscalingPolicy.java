package dev.ember.common.event;

import java.time.Duration;
import java.util.Map;

/**
 * How a deployment scales, with Fireworks' names and defaults: up after load stayed above target for
 * {@code scaleUpWindow} (30 s), down after {@code scaleDownWindow} (10 min), to zero after no traffic for
 * {@code scaleToZeroWindow} (1 h, only when minReplicaCount is 0). {@code loadTargets} are per-replica targets;
 * {@code default} is a utilisation fraction (0.8).
 * {@code scalingSchedules} raise the minimum during cron windows.
 */
public record AutoscalingPolicy(
        Duration scaleUpWindow,
        Duration scaleDownWindow,
        Duration scaleToZeroWindow,
        Map<String, Double> loadTargets,
        Map<String, ScalingSchedule> scalingSchedules) {

    public static final Duration DEFAULT_SCALE_UP_WINDOW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SCALE_DOWN_WINDOW = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SCALE_TO_ZERO_WINDOW = Duration.ofHours(1);
    public static final String DEFAULT_TARGET = "default";
    public static final double DEFAULT_UTILISATION = 0.8;

    public static AutoscalingPolicy defaults() {
        return new AutoscalingPolicy(DEFAULT_SCALE_UP_WINDOW, DEFAULT_SCALE_DOWN_WINDOW,
                DEFAULT_SCALE_TO_ZERO_WINDOW, Map.of(DEFAULT_TARGET, DEFAULT_UTILISATION), Map.of());
    }

    /** This policy with every missing part taken from the defaults. */
    public AutoscalingPolicy withDefaults() {
        return new AutoscalingPolicy(scaleUpWindow == null ? DEFAULT_SCALE_UP_WINDOW : scaleUpWindow,
                scaleDownWindow == null ? DEFAULT_SCALE_DOWN_WINDOW : scaleDownWindow,
                scaleToZeroWindow == null ? DEFAULT_SCALE_TO_ZERO_WINDOW : scaleToZeroWindow,
                loadTargets == null || loadTargets.isEmpty()
                        ? Map.of(DEFAULT_TARGET, DEFAULT_UTILISATION)
                        : loadTargets,
                scalingSchedules == null ? Map.of() : scalingSchedules);
    }
}
