package dev.ember.common.hardware;

import java.util.Arrays;
import java.util.Optional;

/**
 * The accelerators Ember schedules and simulates, with their spec-sheet figures. Names follow the Fireworks API's
 * {@code acceleratorType} enum.
 */
public enum AcceleratorType {

    NVIDIA_A100_80GB(80, 2.039e12, 312e12, 0), NVIDIA_H100_80GB(80, 3.35e12, 989e12, 1979e12), NVIDIA_H200_141GB(141,
            4.8e12, 989e12, 1979e12), NVIDIA_B200_180GB(180, 8.0e12, 2250e12, 4500e12);

    private final int memoryGb;
    private final double hbmBytesPerSecond;
    private final double denseBf16Flops;
    private final double denseFp8Flops;

    AcceleratorType(int memoryGb, double hbmBytesPerSecond, double denseBf16Flops, double denseFp8Flops) {
        this.memoryGb = memoryGb;
        this.hbmBytesPerSecond = hbmBytesPerSecond;
        this.denseBf16Flops = denseBf16Flops;
        this.denseFp8Flops = denseFp8Flops;
    }

    public long memoryBytes() {
        return memoryGb * 1_000_000_000L;
    }

    public double hbmBytesPerSecond() {
        return hbmBytesPerSecond;
    }

    public double denseBf16Flops() {
        return denseBf16Flops;
    }

    /** FP8 dense rate; accelerators without FP8 units run FP8 weights at their BF16 rate. */
    public double denseFp8Flops() {
        return denseFp8Flops > 0 ? denseFp8Flops : denseBf16Flops;
    }

    public static Optional<AcceleratorType> find(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }
}
