package dev.ember.common.event;

import java.time.Instant;

/**
 * What the control plane wants of a job that runs on the GPU pool (a supervised fine-tuning job or a batch inference
 * job), as the scheduler needs it. {@code generation} rises with every command (create, cancel, resume, delete); the
 * scheduler's progress reports carry the generation they were computed for, so a report about an older command is
 * recognised and dropped.
 *
 * @param kind {@link #SUPERVISED_FINE_TUNING} or {@link #BATCH_INFERENCE}
 * @param desiredState {@link #RUN}, {@link #CANCEL} or {@link #DELETE}
 * @param totalUnits the work, in units the scheduler's throughput is configured in: examples x epochs for training,
 *        rows for batch inference
 * @param completedUnits where a resumed job starts (0 for a new one)
 * @param unitsPerEpoch examples per epoch (training), so progress can say which epoch runs; 0 when not by epochs
 */
public record JobSpec(
        String name,
        String uid,
        String kind,
        long generation,
        String desiredState,
        String acceleratorType,
        int acceleratorCount,
        long totalUnits,
        long completedUnits,
        long unitsPerEpoch,
        Instant time) {

    public static final String SUPERVISED_FINE_TUNING = "SUPERVISED_FINE_TUNING";
    public static final String BATCH_INFERENCE = "BATCH_INFERENCE";
    public static final String RUN = "RUN";
    public static final String CANCEL = "CANCEL";
    public static final String DELETE = "DELETE";

    /** The account of the job: the second segment of its name. */
    public String account() {
        return name.split("/")[1];
    }
}
