package dev.ember.common.event;

import java.time.Instant;

/**
 * The scheduler's view of a job. {@code generation} is the {@link JobSpec#generation()} it was computed for;
 * {@code sequence} rises with every report of one generation, so the control plane applies only the newest.
 *
 * @param state {@link #PENDING} (waiting for GPUs, {@code message} says why), {@link #RUNNING}, {@link #COMPLETED},
 *        {@link #CANCELLED} or {@link #FAILED} (it can never be placed with the inventory as configured)
 * @param completedUnits the work done so far, of {@code totalUnits}
 * @param epoch the epoch under way, from 0 (training); 0 otherwise
 */
public record JobProgressReported(
        String name,
        String uid,
        String kind,
        long generation,
        long sequence,
        String state,
        long completedUnits,
        long totalUnits,
        int percent,
        int epoch,
        String region,
        String acceleratorType,
        int acceleratorCount,
        String message,
        Instant time) {

    public static final String PENDING = "PENDING";
    public static final String RUNNING = "RUNNING";
    public static final String COMPLETED = "COMPLETED";
    public static final String CANCELLED = "CANCELLED";
    public static final String FAILED = "FAILED";

    public boolean terminal() {
        return COMPLETED.equals(state) || CANCELLED.equals(state) || FAILED.equals(state);
    }
}
