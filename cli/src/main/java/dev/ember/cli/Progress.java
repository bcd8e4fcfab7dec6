package dev.ember.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Live progress of {@code --wait} and uploads. On a terminal one line is redrawn in place (carriage return, erase
 * line); elsewhere (a pipe, a file, CI logs) a plain line is printed for each change only, so logs stay readable.
 */
public abstract class Progress {

    static final int BAR_WIDTH = 30;

    protected final PrintWriter out;

    Progress(PrintWriter out) {
        this.out = out;
    }

    public static Progress to(PrintWriter out, boolean tty) {
        return tty ? new Live(out) : new Plain(out);
    }

    /** What is happening now, such as {@code CREATING: 1 downloading model}, after {@code elapsed}. */
    public abstract void status(String text, Duration elapsed);

    /** Bytes sent of {@code total}, for the file {@code label}. */
    public abstract void bytes(String label, long done, long total, Duration elapsed);

    /** What is happening now, with a bar of {@code percent} done, such as a job's state and its progress. */
    public abstract void percent(String text, int percent, Duration elapsed);

    /** The last line, left on the screen. */
    public abstract void finish(String text);

    public static String elapsed(Duration elapsed) {
        long seconds = Math.max(0, elapsed.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static int percent(long done, long total) {
        return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }

    /** {@code [#########.....................]  30%  1.0 MiB / 3.3 MiB  model.safetensors} */
    static String bar(String label, long done, long total) {
        return bar(percent(done, total)) + "  " + size(done) + " / " + size(total) + "  " + label;
    }

    /** {@code [#########.....................]  30%} */
    static String bar(int percent) {
        int clamped = Math.max(0, Math.min(100, percent));
        int filled = clamped * BAR_WIDTH / 100;
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3d%%", clamped);
    }

    /** Redraws one line in place. */
    static final class Live extends Progress {

        private static final String ERASE_LINE = "\r\033[2K";
        /** A bar redrawn at most 20 times a second, however small the chunks. */
        private static final long REDRAW_NANOS = 50_000_000L;

        Live(PrintWriter out) {
            super(out);
        }

        @Override
        public void status(String text, Duration elapsed) {
            out.print(ERASE_LINE + text + "  [" + elapsed(elapsed) + "]");
            out.flush();
        }

        @Override
        public void percent(String text, int percent, Duration elapsed) {
            out.print(ERASE_LINE + text + "  " + bar(percent) + "  [" + elapsed(elapsed) + "]");
            out.flush();
        }

        private long lastDraw;

        @Override
        public void bytes(String label, long done, long total, Duration elapsed) {
            long now = System.nanoTime();
            if (done < total && done > 0 && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            out.print(ERASE_LINE + bar(label, done, total) + "  [" + elapsed(elapsed) + "]");
            out.flush();
        }

        @Override
        public void finish(String text) {
            out.print(ERASE_LINE + text + "\n");
            out.flush();
        }
    }

    /** One line per change: a new status, or a file passing another quarter of its bytes. */
    static final class Plain extends Progress {

        private String lastStatus;
        private String lastLabel;
        private int lastQuarter = -1;

        Plain(PrintWriter out) {
            super(out);
        }

        @Override
        public void status(String text, Duration elapsed) {
            if (!text.equals(lastStatus)) {
                lastStatus = text;
                out.println("[" + elapsed(elapsed) + "] " + text);
                out.flush();
            }
        }

        /** A line when the text changes or the percent passes another quarter. */
        @Override
        public void percent(String text, int percent, Duration elapsed) {
            int quarter = Math.max(0, Math.min(100, percent)) / 25;
            if (!text.equals(lastStatus) || quarter > lastQuarter) {
                lastStatus = text;
                lastQuarter = quarter;
                out.println("[" + elapsed(elapsed) + "] " + text + " " + percent + "%");
                out.flush();
            }
        }

        @Override
        public void bytes(String label, long done, long total, Duration elapsed) {
            int quarter = percent(done, total) / 25;
            if (!label.equals(lastLabel) || quarter > lastQuarter) {
                lastLabel = label;
                lastQuarter = quarter;
                out.println("[" + elapsed(elapsed) + "] " + label + ": " + percent(done, total) + "% ("
                        + size(done) + " / " + size(total) + ")");
                out.flush();
            }
        }

        @Override
        public void finish(String text) {
            out.println(text);
            out.flush();
        }
    }
}
