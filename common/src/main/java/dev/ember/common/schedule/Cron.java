package dev.ember.common.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * A standard five-field cron expression (minute hour day-of-month month day-of-week), as scaling schedules use it:
 * {@code *}, values, ranges {@code a-b}, steps ({@code a-b/n}, or every n-th value of the whole range), lists with commas, month names
 * (JAN-DEC) and day names (SUN-SAT, 0 and 7 both Sunday). As in Vixie cron, when both day-of-month and day-of-week are
 * restricted a day matching either one fires.
 */
public final class Cron {

    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
            "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final String expression;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private Cron(String expression, long minutes, long hours, long daysOfMonth, long months, long daysOfWeek,
            boolean anyDayOfMonth, boolean anyDayOfWeek) {
        this.expression = expression;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.anyDayOfMonth = anyDayOfMonth;
        this.anyDayOfWeek = anyDayOfWeek;
    }

    /** Parses an expression; the exception's message says which field is wrong and why. */
    public static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("a cron expression is required, e.g. \"0 8 * * Mon-Fri\"");
        }
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("a cron expression has 5 fields (minute hour day-of-month month "
                    + "day-of-week), got " + fields.length + " in \"" + expression + "\"");
        }
        long dow = field("day-of-week", fields[4], 0, 7, DAYS);
        if ((dow & (1L << 7)) != 0) {
            dow = (dow | 1L) & ~(1L << 7); // 7 is Sunday too
        }
        return new Cron(expression.trim(), field("minute", fields[0], 0, 59, null),
                field("hour", fields[1], 0, 23, null), field("day-of-month", fields[2], 1, 31, null),
                field("month", fields[3], 1, 12, MONTHS), dow, isAny(fields[2]), isAny(fields[4]));
    }

    /**
     * The latest time at or before {@code now} (to the minute) when this expression fires in {@code zone}, looking
     * back no further than {@code lookBack}; empty when it did not fire in that span.
     */
    public Optional<ZonedDateTime> previousFire(ZonedDateTime now, Duration lookBack) {
        ZonedDateTime at = now.truncatedTo(ChronoUnit.MINUTES);
        ZonedDateTime earliest = now.minus(lookBack);
        LocalDate day = at.toLocalDate();
        LocalDate lastDay = earliest.toLocalDate().minusDays(1);
        boolean today = true;
        while (!day.isBefore(lastDay)) {
            if (matchesDay(day)) {
                for (int h = today ? at.getHour() : 23; h >= 0; h--) {
                    if (!has(hours, h)) {
                        continue;
                    }
                    for (int m = today && h == at.getHour() ? at.getMinute() : 59; m >= 0; m--) {
                        if (!has(minutes, m)) {
                            continue;
                        }
                        ZonedDateTime fire = ZonedDateTime.of(day, LocalTime.of(h, m), now.getZone());
                        // A local time skipped by a DST change maps forward; it still counts if not after now.
                        if (!fire.isAfter(now)) {
                            return fire.isBefore(earliest) ? Optional.empty() : Optional.of(fire);
                        }
                    }
                }
            }
            day = day.minusDays(1);
            today = false;
        }
        return Optional.empty();
    }

    /** Whether a window of {@code duration} opened by this expression in {@code zone} covers {@code now}. */
    public boolean activeAt(Instant now, ZoneId zone, Duration duration) {
        return previousFire(now.atZone(zone), duration)
                .map(fire -> now.isBefore(fire.toInstant().plus(duration)))
                .orElse(false);
    }

    private boolean matchesDay(LocalDate day) {
        if (!has(months, day.getMonthValue())) {
            return false;
        }
        boolean dom = has(daysOfMonth, day.getDayOfMonth());
        boolean dow = has(daysOfWeek, day.getDayOfWeek().getValue() % 7);
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }

    private static boolean has(long bits, int value) {
        return (bits & (1L << value)) != 0;
    }

    private static boolean isAny(String field) {
        return field.equals("*") || field.equals("?");
    }

    private static long field(String name, String text, int min, int max, String[] names) {
        long bits = 0;
        for (String part : text.split(",", -1)) {
            bits |= part(name, part, min, max, names);
        }
        return bits;
    }

    private static long part(String name, String part, int min, int max, String[] names) {
        String range = part;
        int step = 1;
        int slash = part.indexOf('/');
        if (slash >= 0) {
            range = part.substring(0, slash);
            step = number(name, part.substring(slash + 1), 1, max - min + 1, null);
        }
        int from;
        int to;
        if (range.equals("*") || range.equals("?")) {
            from = min;
            to = max;
        } else if (range.contains("-")) {
            int dash = range.indexOf('-');
            from = number(name, range.substring(0, dash), min, max, names);
            to = number(name, range.substring(dash + 1), min, max, names);
            if (to < from) {
                throw new IllegalArgumentException(name + " range '" + range + "' runs backwards");
            }
        } else {
            from = number(name, range, min, max, names);
            to = slash >= 0 ? max : from;
        }
        long bits = 0;
        for (int v = from; v <= to; v += step) {
            bits |= 1L << v;
        }
        return bits;
    }

    private static int number(String name, String text, int min, int max, String[] names) {
        if (names != null) {
            String upper = text.toUpperCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return names == MONTHS ? i + 1 : i;
                }
            }
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + text + "' is not a number"
                    + (names == null ? "" : " or a name (" + names[0] + "-" + names[names.length - 1] + ")"));
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is outside " + min + "-" + max);
        }
        return value;
    }

    @Override
    public String toString() {
        return expression;
    }
}
