package dev.ember.scheduler.jobs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How fast simulated jobs run on their GPUs. */
@ConfigMapping(prefix = "ember.jobs")
public interface JobsConfig {

    /**
     * Training throughput of a LoRA fine-tune: examples (of a typical chat length) per second per GPU. A job's run
     * time is examples x epochs / (this x its GPUs).
     */
    @WithDefault("2.0")
    double trainingExamplesPerSecondPerGpu();

    /** Batch inference throughput: input rows per second per GPU. */
    @WithDefault("10.0")
    double batchRowsPerSecondPerGpu();
}
