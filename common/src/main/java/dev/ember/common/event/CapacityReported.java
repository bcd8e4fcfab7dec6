package dev.ember.common.event;

import java.time.Instant;
import java.util.List;

/**
 * The scheduler's GPU pools: total, used and free GPUs per region and accelerator type. Published when they change,
 * at most every few seconds, under the key {@value #KEY} (the topic keeps the newest).
 */
public record CapacityReported(List<Pool> pools, Instant time) {

    public static final String KEY = "capacity";

    public record Pool(String region, String acceleratorType, int totalGpus, int usedGpus, int freeGpus) {
    }
}
