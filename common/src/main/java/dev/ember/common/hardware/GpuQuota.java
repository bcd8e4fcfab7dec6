package dev.ember.common.hardware;

import java.util.Locale;
import java.util.Optional;

/**
 * A GPU quota's ID as Fireworks names them: the accelerator's short name and the region, lower case with dashes, e.g.
 * {@code h100-us-iowa-1} for NVIDIA_H100_80GB in US_IOWA_1. The quota's value is a number of GPUs.
 */
public record GpuQuota(AcceleratorType acceleratorType, Region region) {

    public String id() {
        return shortName(acceleratorType) + "-" + region.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The quota an ID names, or empty when it names no known accelerator and region. */
    public static Optional<GpuQuota> parse(String id) {
        for (AcceleratorType type : AcceleratorType.values()) {
            String prefix = shortName(type) + "-";
            if (id != null && id.startsWith(prefix)) {
                String region = id.substring(prefix.length()).toUpperCase(Locale.ROOT).replace('-', '_');
                return Region.find(region).map(r -> new GpuQuota(type, r));
            }
        }
        return Optional.empty();
    }

    /** NVIDIA_H100_80GB -> h100. */
    static String shortName(AcceleratorType type) {
        return type.name().split("_")[1].toLowerCase(Locale.ROOT);
    }
}
