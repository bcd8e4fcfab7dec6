package dev.ember.controlplane.deployment.service;

import java.util.List;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.controlplane.model.persistence.ModelEntity;

/**
 * Chooses and checks the hardware of a replica: the weights at the serving precision must leave at least
 * {@value #KV_CACHE_SHARE} of GPU memory for the KV cache.
 */
final class HardwareSizing {

    static final List<Integer> COUNTS = List.of(1, 2, 4, 8);
    static final double KV_CACHE_SHARE = 0.2;
    private static final List<AcceleratorType> PREFERRED = List.of(AcceleratorType.NVIDIA_H100_80GB,
            AcceleratorType.NVIDIA_H200_141GB, AcceleratorType.NVIDIA_B200_180GB);

    record Hardware(AcceleratorType type, int count, Precision precision) {
    }

    private HardwareSizing() {
    }

    static Hardware resolve(DeploymentRequest request, ModelEntity model) {
        Precision precision = request.precision() != null
                ? request.precision()
                : Precision.find(model.defaultPrecision).orElse(Precision.FP16);
        long weights = precision.weightBytes(model.parameterCount);
        if (request.acceleratorType() == null) {
            for (AcceleratorType type : PREFERRED) {
                if (request.acceleratorCount() != null
                        ? fits(weights, type, request.acceleratorCount())
                        : smallestCount(weights, type) > 0) {
                    return check(new Hardware(type, countFor(request, weights, type), precision), weights);
                }
            }
            throw InvalidArgumentException.field("acceleratorType", model.name() + " at " + precision
                    + " needs more memory than 8 GPUs of any supported type; choose a smaller precision");
        }
        return check(new Hardware(request.acceleratorType(), countFor(request, weights, request.acceleratorType()),
                precision), weights);
    }

    private static int countFor(DeploymentRequest request, long weights, AcceleratorType type) {
        if (request.acceleratorCount() != null) {
            return request.acceleratorCount();
        }
        int count = smallestCount(weights, type);
        if (count < 0) {
            throw InvalidArgumentException.field("acceleratorType",
                    "the weights (" + gb(weights) + " GB) do not fit on 8 " + type + " with room for the KV cache");
        }
        return count;
    }

    private static Hardware check(Hardware hw, long weights) {
        if (!fits(weights, hw.type(), hw.count())) {
            int needed = smallestCount(weights, hw.type());
            throw InvalidArgumentException.field("acceleratorCount",
                    "the weights (" + gb(weights) + " GB at " + hw.precision() + ") do not fit on " + hw.count() + " "
                            + hw.type() + " with room for the KV cache"
                            + (needed > 0 ? "; use at least " + needed : "; choose a larger accelerator type"));
        }
        return hw;
    }

    private static int smallestCount(long weights, AcceleratorType type) {
        return COUNTS.stream().filter(c -> fits(weights, type, c)).findFirst().orElse(-1);
    }

    private static boolean fits(long weights, AcceleratorType type, int count) {
        return weights <= (1 - KV_CACHE_SHARE) * type.memoryBytes() * count;
    }

    private static long gb(long bytes) {
        return Math.round(bytes / 1e9);
    }
}
