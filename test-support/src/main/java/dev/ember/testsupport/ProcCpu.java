package dev.ember.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time from Linux's /proc, for benchmarks that share a small machine with the services they measure: the
 * machine's busy and stolen time, and a JVM's JIT compiler threads. Zero where /proc is not there.
 */
public final class ProcCpu {

    /** /proc counts in USER_HZ, 100 a second on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcCpu() {
    }

    /**
     * The whole machine's CPU time so far, all cores summed: busy (user, nice, system, irq, softirq) and stolen (time
     * the hypervisor gave another guest while this one had work).
     */
    public record Machine(long busyNanos, long stealNanos) {

        public static Machine now() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                        + Long.parseLong(f[6]) + Long.parseLong(f[7]);
                return new Machine(busy * NANOS_PER_TICK, Long.parseLong(f[8]) * NANOS_PER_TICK);
            } catch (IOException | RuntimeException noProc) {
                return new Machine(0, 0);
            }
        }
    }

    /** CPU time of process {@code p} so far, all its threads; 0 when the platform does not tell. */
    public static long processNanos(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** CPU time of the JIT compiler threads of the JVM with process id {@code pid}. */
    public static long jitNanos(long pid) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException noProc) {
            return 0;
        }
        return ticks * NANOS_PER_TICK;
    }
}
