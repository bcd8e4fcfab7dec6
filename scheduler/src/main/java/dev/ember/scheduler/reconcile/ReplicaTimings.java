package dev.ember.scheduler.reconcile;

import java.time.Duration;

import dev.ember.scheduler.config.SchedulerConfig;

/** How long the simulated lifecycle steps take: weights over the store's bandwidth, then onto the GPUs. */
final class ReplicaTimings {

    private ReplicaTimings() {
    }

    static Duration download(SchedulerConfig config, long weightBytes) {
        return Duration.ofMillis(Math.max(1, weightBytes * 1000 / config.downloadBytesPerSecond()));
    }

    static Duration initialize(SchedulerConfig config, long weightBytes, int gpus) {
        return config.serverStart()
                .plusMillis(Math.max(1, weightBytes * 1000 / (config.loadBytesPerSecondPerGpu() * gpus)));
    }
}
