package dev.ember.common.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * GPU quotas an account has where none was set: read by the control plane (what a quota shows, and the check at
 * create) and by the scheduler (what placement enforces), from the same keys so the two agree.
 */
@ConfigMapping(prefix = "ember.quota")
public interface QuotaDefaults {

    /** GPUs of one accelerator type an account's replicas may hold in one region. */
    @WithDefault("64")
    long defaultGpus();

    /** The highest value an account admin may raise a GPU quota to; only platform admins go beyond. */
    @WithDefault("128")
    long maxGpus();
}
