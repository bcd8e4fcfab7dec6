package dev.ember.common.event;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.ember.common.schedule.Cron;

/**
 * A time window that raises a deployment's minimum replicas, as Fireworks' {@code gatewayScalingSchedule}: it opens
 * when {@code schedule} (five-field cron in {@code timezone}) fires and stays open for {@code duration}. When several
 * are open the highest {@code minReplicaCount} wins.
 */
public record ScalingSchedule(
        String schedule,
        String timezone,
        Duration duration,
        int minReplicaCount,
        String description,
        boolean disabled) {

    public static final int MAX_PER_DEPLOYMENT = 5;
    public static final Duration MIN_DURATION = Duration.ofMinutes(5);
    public static final Duration MAX_DURATION = Duration.ofDays(7);

    private static final TypeReference<TreeMap<String, ScalingSchedule>> MAP = new TypeReference<>() {
    };

    /** Schedules by name as JSON, names sorted so equal maps are stored as equal text. */
    public static String toJson(Map<String, ScalingSchedule> schedules) {
        return EventCodec.toJson(new TreeMap<>(schedules == null ? Map.of() : schedules));
    }

    /** Reads what {@link #toJson} wrote; null or blank is no schedule. */
    public static Map<String, ScalingSchedule> fromJson(String json) {
        return json == null || json.isBlank() ? Map.of() : EventCodec.fromJson(json, MAP);
    }

    /** Whether this schedule's window is open at {@code now}; a disabled schedule never is. */
    public boolean activeAt(Instant now) {
        return !disabled && Cron.parse(schedule).activeAt(now, ZoneId.of(timezone), duration);
    }

    /** The highest minimum among the schedules open at {@code now}, or -1 when none is. */
    public static int activeMinimum(Map<String, ScalingSchedule> schedules, Instant now) {
        int min = -1;
        if (schedules != null) {
            for (ScalingSchedule s : schedules.values()) {
                if (s.minReplicaCount() > min && s.activeAt(now)) {
                    min = s.minReplicaCount();
                }
            }
        }
        return min;
    }
}
