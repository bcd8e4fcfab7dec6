package dev.ember.controlplane.job.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What jobs on the GPU pool run on. */
@ConfigMapping(prefix = "ember.jobs")
public interface JobConfig {

    /** The accelerator type fine-tuning and batch inference jobs are placed on. */
    @WithDefault("NVIDIA_H100_80GB")
    String acceleratorType();

    /**
     * GPUs per job by the base model's size: up to this many parameters per GPU (bf16 weights, optimizer state of
     * the LoRA only, activations), rounded up to 1, 2, 4 or 8 GPUs.
     */
    @WithDefault("20000000000")
    long parametersPerGpu();
}
