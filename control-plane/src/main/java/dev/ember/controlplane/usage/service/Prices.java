package dev.ember.controlplane.usage.service;

import java.math.BigDecimal;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The price list the usage ledger costs usage with, in USD. */
@ConfigMapping(prefix = "ember.prices")
public interface Prices {

    /** Per GPU-hour of a dedicated deployment, by accelerator type. */
    Map<String, BigDecimal> gpuHour();

    /** Per million serverless tokens (prompt and completion alike) of a model without a price of its own. */
    @WithDefault("0.20")
    BigDecimal tokenDefaultPerMillion();

    /** Per million serverless tokens, by model ID (the last part of its name, e.g. llama-v3p1-70b-instruct). */
    Map<String, BigDecimal> tokensPerMillion();
}
