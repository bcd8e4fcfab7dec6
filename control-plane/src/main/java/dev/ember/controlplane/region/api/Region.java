package dev.ember.controlplane.region.api;

import java.util.List;

/**
 * A region as the API shows it: its mega-region and the accelerator types it offers, with the GPUs of each pool as the
 * scheduler last reported them.
 */
public record Region(String name, String region, String megaRegion, List<Pool> acceleratorTypes) {

    public record Pool(String acceleratorType, int totalGpus, int freeGpus) {
    }

    public record ListRegionsResponse(List<Region> regions, int totalSize) {
    }
}
