package dev.ember.controlplane.web;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ember.common.error.InvalidArgumentException;

/**
 * Durations as the protobuf JSON mapping writes them ({@code google.protobuf.Duration}): seconds with an optional
 * fraction and an {@code s} suffix, such as "30s", "1.5s" or "600s". Fireworks' API uses this form, so clients built
 * for it send and expect exactly this; "10m" or ISO-8601 are refused rather than guessed at.
 */
public final class ProtoDurations {

    /** google.protobuf.Duration's range: about 10,000 years. */
    public static final long MAX_SECONDS = 315_576_000_000L;

    private static final Pattern FORM = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?s");

    private ProtoDurations() {
    }

    /** Parses a non-negative duration; a bad one is an INVALID_ARGUMENT on {@code field}. */
    public static Duration parse(String field, String value) {
        Matcher m = value == null ? null : FORM.matcher(value);
        if (m == null || !m.matches()) {
            throw InvalidArgumentException.field(field,
                    "must be a duration in seconds with an 's' suffix, such as \"30s\" or \"1.5s\", got '" + value
                            + "'");
        }
        long seconds;
        try {
            seconds = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            seconds = Long.MAX_VALUE;
        }
        if (seconds > MAX_SECONDS) {
            throw InvalidArgumentException.field(field,
                    "must be at most " + MAX_SECONDS + "s, got '" + value + "'");
        }
        String fraction = m.group(2) == null ? "" : m.group(2);
        int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        return Duration.ofSeconds(seconds, nanos);
    }

    /**
     * Writes a duration the way protobuf's JSON printers do: whole seconds as "600s", otherwise 3, 6 or 9 fractional
     * digits ("1.500s"), so equal durations always print the same.
     */
    public static String format(Duration duration) {
        String sign = duration.isNegative() ? "-" : "";
        Duration d = duration.abs();
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (nanos == 0) {
            return sign + seconds + "s";
        }
        String fraction = String.format("%09d", nanos);
        if (nanos % 1_000_000 == 0) {
            fraction = fraction.substring(0, 3);
        } else if (nanos % 1_000 == 0) {
            fraction = fraction.substring(0, 6);
        }
        return sign + seconds + "." + fraction + "s";
    }
}
