package dev.ember.controlplane.job.api;

/** Fireworks' {@code gatewayStatus} on a job: a {@code gatewayCode} and why the job is where it is. */
public record JobStatus(String code, String message) {
}
