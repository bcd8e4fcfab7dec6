package dev.ember.controlplane.job.service;

import java.util.Set;

import dev.ember.common.event.JobProgressReported;

/**
 * Fireworks' {@code gatewayJobState} values Ember's jobs go through: CREATING until the scheduler first reports, then
 * PENDING (waiting for GPUs) and RUNNING, and one of COMPLETED, FAILED or CANCELLED. Cancelled and failed jobs may be
 * resumed; a completed one may not.
 */
public final class JobStates {

    public static final String CREATING = "JOB_STATE_CREATING";
    public static final String PENDING = "JOB_STATE_PENDING";
    public static final String RUNNING = "JOB_STATE_RUNNING";
    public static final String WRITING_RESULTS = "JOB_STATE_WRITING_RESULTS";
    public static final String COMPLETED = "JOB_STATE_COMPLETED";
    public static final String FAILED = "JOB_STATE_FAILED";
    public static final String CANCELLED = "JOB_STATE_CANCELLED";

    public static final Set<String> ALL = Set.of(CREATING, PENDING, RUNNING, WRITING_RESULTS, COMPLETED, FAILED,
            CANCELLED);
    public static final Set<String> ENDED = Set.of(COMPLETED, FAILED, CANCELLED);

    private JobStates() {
    }

    public static boolean ended(String state) {
        return ENDED.contains(state);
    }

    /** The API state of a scheduler report that is not the end of the job (PENDING or RUNNING). */
    public static String of(JobProgressReported report) {
        return JobProgressReported.RUNNING.equals(report.state()) ? RUNNING : PENDING;
    }
}
