package dev.ember.controlplane.job.service;

/** How many GPUs a job on a model of a size takes: the parameters over {@link JobConfig#parametersPerGpu()}. */
public final class JobSizing {

    private JobSizing() {
    }

    /** 1, 2, 4 or 8 GPUs; 0 when even 8 are too few. */
    public static int gpus(long parameters, long parametersPerGpu) {
        long needed = Math.max(1, (parameters + parametersPerGpu - 1) / parametersPerGpu);
        for (int gpus : new int[]{1, 2, 4, 8}) {
            if (gpus >= needed) {
                return gpus;
            }
        }
        return 0;
    }
}
