package dev.ember.common.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Quotas an account has where none was set: read by the control plane (what a quota shows, and the check at create),
 * by the scheduler (GPUs: what placement enforces) and by the data plane (serverless rate limits), from the same keys
 * so they agree.
 */
@ConfigMapping(prefix = "ember.quota")
public interface QuotaDefaults {

    /** GPUs of one accelerator type an account's replicas may hold in one region. */
    @WithDefault("64")
    long defaultGpus();

    /** The highest value an account admin may raise a GPU quota to; only platform admins go beyond. */
    @WithDefault("128")
    long maxGpus();

    /**
     * Quota {@value #SERVERLESS_REQUESTS}: requests a minute an account may send to serverless deployments. Its
     * maxValue is the same: account admins may lower it, platform admins raise it.
     */
    @WithDefault("600")
    long serverlessRequestsPerMinute();

    /** Quota {@value #SERVERLESS_TOKENS}: prompt plus max_tokens tokens a minute on serverless deployments. */
    @WithDefault("1000000")
    long serverlessTokensPerMinute();

    String SERVERLESS_REQUESTS = "serverless-requests-per-minute";
    String SERVERLESS_TOKENS = "serverless-tokens-per-minute";

    /** The default of quota {@code id}: a serverless rate limit, or a GPU quota's. */
    default long defaultValue(String id) {
        return switch (id) {
            case SERVERLESS_REQUESTS -> serverlessRequestsPerMinute();
            case SERVERLESS_TOKENS -> serverlessTokensPerMinute();
            default -> defaultGpus();
        };
    }

    /** The default maxValue of quota {@code id}. */
    default long defaultMax(String id) {
        return isServerless(id) ? defaultValue(id) : maxGpus();
    }

    static boolean isServerless(String id) {
        return SERVERLESS_REQUESTS.equals(id) || SERVERLESS_TOKENS.equals(id);
    }
}
