package dev.ember.common.hardware;

import java.util.Arrays;
import java.util.Optional;

/** Serving precisions (Fireworks' {@code precision} enum, the ones Ember simulates) and their weight sizes. */
public enum Precision {

    FP16(2.0), BF16(2.0), FP8(1.0), FP8_MM(1.0), FP8_KV(1.0), FP4(0.5), NF4(0.5);

    private final double bytesPerParameter;

    Precision(double bytesPerParameter) {
        this.bytesPerParameter = bytesPerParameter;
    }

    public double bytesPerParameter() {
        return bytesPerParameter;
    }

    public long weightBytes(long parameters) {
        return (long) (parameters * bytesPerParameter);
    }

    public static Optional<Precision> find(String name) {
        return Arrays.stream(values()).filter(p -> p.name().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }
}
