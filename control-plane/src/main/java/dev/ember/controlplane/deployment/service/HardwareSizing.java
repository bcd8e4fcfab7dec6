package dev.ember.controlplane.deployment.service;

import java.util.List;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.controlplane.model.persistence.ModelEntity;

/**
 * Chooses and checks the hardware of a replica: the weights at the serving precision (with a draft model's, for
 * speculative decoding) must leave at least {@value #KV_CACHE_SHARE} of GPU memory for the KV cache. Deployment
 * shapes size their hardware with the same rule ({@link #fits}).
 */
public final class HardwareSizing {

    public static final List<Integer> COUNTS = List.of(1, 2, 4, 8);
    public static final double KV_CACHE_SHARE = 0.2;
    private static final List<AcceleratorType> PREFERRED = List.of(AcceleratorType.NVIDIA_H100_80GB,
            AcceleratorType.NVIDIA_H200_141GB, AcceleratorType.NVIDIA_B200_180GB);

    record Hardware(AcceleratorType type, int count, Precision precision) {
    }

    private HardwareSizing() {
    }

    /** {@code draft}: the draft model of speculative decoding, or null; its weights share the GPUs, at the same precision. */
    static Hardware resolve(DeploymentRequest request, ModelEntity model, ModelEntity draft) {
        Precision precision = request.precision() != null
                ? request.precision()
                : Precision.find(model.defaultPrecision).orElse(Precision.FP16);
        long weights = precision.weightBytes(model.parameterCount)
                + (draft == null ? 0 : precision.weightBytes(draft.parameterCount));
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

    /** The fewest GPUs of {@code type} (1, 2, 4 or 8) that fit {@code weights}, or -1 when 8 do not. */
    public static int smallestCount(long weights, AcceleratorType type) {
        return smallestCount(weights, type, KV_CACHE_SHARE);
    }

    /** The fewest GPUs of {@code type} that hold {@code weights} and leave {@code kvShare} of their memory free. */
    public static int smallestCount(long weights, AcceleratorType type, double kvShare) {
        return COUNTS.stream().filter(c -> fits(weights, type, c, kvShare)).findFirst().orElse(-1);
    }

    /** The fit rule: the weights take at most {@code 1 - KV_CACHE_SHARE} of the replica's GPU memory. */
    public static boolean fits(long weights, AcceleratorType type, int count) {
        return fits(weights, type, count, KV_CACHE_SHARE);
    }

    public static boolean fits(long weights, AcceleratorType type, int count, double kvShare) {
        return weights <= (1 - kvShare) * type.memoryBytes() * count;
    }

    private static long gb(long bytes) {
        return Math.round(bytes / 1e9);
    }
}
