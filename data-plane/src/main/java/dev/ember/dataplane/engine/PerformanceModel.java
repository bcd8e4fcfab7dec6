package dev.ember.dataplane.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.ember.common.event.ModelProfile;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;

/**
 * How fast one replica (a model on {@code acceleratorCount} GPUs of one type, at one precision) runs an engine step,
 * from first principles and the global {@link EngineConstants}. A step processes some decode tokens (one per running
 * sequence) and some prefill tokens; it takes the longer of streaming its bytes from HBM and doing its FLOPs, plus a
 * fixed overhead per layer. Memory: what the weights leave of the usable GPU memory is KV cache.
 */
public final class PerformanceModel {

    private final ModelProfile model;
    private final AcceleratorType accelerator;
    private final int acceleratorCount;
    private final Precision precision;
    private final SpeculativeDecoding speculative;
    private final double weightBytes;
    private final double kvBytesPerToken;
    private final long kvCapacityTokens;
    private final double bytesPerSecond;
    private final double flopsPerSecond;
    private final double stepOverheadSeconds;

    public PerformanceModel(ModelProfile model, AcceleratorType accelerator, int acceleratorCount,
            Precision precision) {
        this(model, accelerator, acceleratorCount, precision, null);
    }

    /** {@code speculative} may be null: plain decoding, one token per sequence per step. */
    public PerformanceModel(ModelProfile model, AcceleratorType accelerator, int acceleratorCount, Precision precision,
            SpeculativeDecoding speculative) {
        this.model = Objects.requireNonNull(model, "model");
        this.accelerator = Objects.requireNonNull(accelerator, "accelerator");
        this.precision = Objects.requireNonNull(precision, "precision");
        if (acceleratorCount < 1) {
            throw new IllegalArgumentException("acceleratorCount must be at least 1, got " + acceleratorCount);
        }
        if (model.parameterCount() <= 0 || model.activeParameterCount() <= 0
                || model.activeParameterCount() > model.parameterCount() || model.layers() <= 0
                || model.kvHeads() <= 0 || model.headDim() <= 0) {
            throw new IllegalArgumentException("model " + model.name() + " has an impossible shape: " + model);
        }
        this.acceleratorCount = acceleratorCount;
        this.speculative = speculative;
        this.weightBytes = model.parameterCount() * precision.bytesPerParameter();
        this.kvBytesPerToken = 2.0 * model.layers() * model.kvHeads() * model.headDim() * kvElementBytes(precision);
        double usable = accelerator.memoryBytes() * (double) acceleratorCount * EngineConstants.USABLE_MEMORY_FRACTION;
        // A draft model's weights live on the same GPUs, so they come out of the KV cache.
        double draftBytes = speculative == null ? 0 : speculative.draftWeightBytes();
        this.kvCapacityTokens = (long) Math.floor((usable - weightBytes - draftBytes) / kvBytesPerToken);
        if (kvCapacityTokens <= 0) {
            throw new ModelDoesNotFitException(String.format(
                    "%s at %s needs %.1f GB for its weights%s, but %d x %s has only %.1f GB usable: no room for a KV"
                            + " cache. Use more GPUs, a larger accelerator or a smaller precision.",
                    model.name(), precision, (weightBytes + draftBytes) / 1e9,
                    draftBytes > 0 ? " and its draft model's" : "", acceleratorCount, accelerator, usable / 1e9));
        }
        double gpus = effectiveGpus(acceleratorCount);
        this.bytesPerSecond = accelerator.hbmBytesPerSecond() * gpus * EngineConstants.BANDWIDTH_EFFICIENCY;
        this.flopsPerSecond = denseFlops(accelerator, precision) * gpus * EngineConstants.COMPUTE_EFFICIENCY;
        this.stepOverheadSeconds = model.layers() * EngineConstants.STEP_OVERHEAD_SECONDS_PER_LAYER;
    }

    /**
     * Bytes per KV-cache element. FP8, FP8_KV and FP4 keep the KV cache in FP8, as TensorRT-LLM's FP8 and NVFP4
     * recipes (and the NIM profiles the calibration comes from) do; FP8_MM quantizes only the matmuls, and FP16,
     * BF16 and NF4 keep a 16-bit cache.
     */
    static double kvElementBytes(Precision precision) {
        return switch (precision) {
            case FP8, FP8_KV, FP4 -> 1;
            case FP16, BF16, FP8_MM, NF4 -> 2;
        };
    }

    /** Dense rate the matmuls run at: FP8 kernels for the 8- and 4-bit float formats, BF16 for the rest. */
    static double denseFlops(AcceleratorType accelerator, Precision precision) {
        return switch (precision) {
            case FP8, FP8_MM, FP8_KV, FP4 -> accelerator.denseFp8Flops();
            case FP16, BF16, NF4 -> accelerator.denseBf16Flops();
        };
    }

    /** Tensor parallelism scales sub-linearly: n GPUs act like n x SCALING^log2(n). */
    static double effectiveGpus(int count) {
        return count * Math.pow(EngineConstants.MULTI_GPU_SCALING, Math.log(count) / Math.log(2));
    }

    public ModelProfile model() {
        return model;
    }

    public AcceleratorType accelerator() {
        return accelerator;
    }

    public int acceleratorCount() {
        return acceleratorCount;
    }

    public Precision precision() {
        return precision;
    }

    public Optional<SpeculativeDecoding> speculative() {
        return Optional.ofNullable(speculative);
    }

    public double weightBytes() {
        return weightBytes;
    }

    public double kvBytesPerToken() {
        return kvBytesPerToken;
    }

    /** Tokens (prompt and generated, over all sequences) the KV cache holds at once. */
    public long kvCapacityTokens() {
        return kvCapacityTokens;
    }

    /** Expected tokens each decoding sequence gains per step: 1 without speculative decoding. */
    public double tokensPerDecodeStep() {
        return speculative == null ? 1 : speculative.tokensPerStep();
    }

    /**
     * Seconds for one engine step.
     *
     * @param decodeSequences sequences generating a token in this step
     * @param decodeContextTokens their context lengths summed: the KV cache the step reads
     * @param prefillTokens prompt tokens prefilled in this step (whole prompts or chunks)
     * @param prefillAttentionPairs for each prefilled token, the number of tokens it attends to, summed
     */
    public double stepSeconds(int decodeSequences, double decodeContextTokens, int prefillTokens,
            double prefillAttentionPairs) {
        if (decodeSequences == 0 && prefillTokens == 0) {
            return 0;
        }
        // With speculative decoding the target verifies the draft tokens plus one of its own per sequence.
        int verified = speculative == null ? 1 : speculative.draftTokens() + 1;
        double tokens = (double) decodeSequences * verified + prefillTokens;
        double bytes = weightBytesRead(tokens) + decodeContextTokens * kvBytesPerToken;
        double attentionPairs = decodeContextTokens * verified + prefillAttentionPairs;
        double flops = 2.0 * model.activeParameterCount() * tokens
                + 4.0 * model.layers() * model.hiddenSize() * attentionPairs;
        double seconds = Math.max(bytes / bytesPerSecond, flops / flopsPerSecond) + stepOverheadSeconds;
        if (speculative != null && decodeSequences > 0) {
            seconds += speculative.draftTokens() * speculative.draftTokenCost()
                    * (weightBytesRead(decodeSequences) + decodeContextTokens * kvBytesPerToken) / bytesPerSecond;
        }
        return seconds;
    }

    /**
     * Weight bytes a step streams for {@code tokens} tokens. Dense models read all of them; a mixture of experts
     * reads only the experts its tokens are routed to, modelled as each parameter being touched by a token with
     * probability active/total, so one token reads the active parameters and a large batch reads nearly all.
     */
    double weightBytesRead(double tokens) {
        double activeShare = (double) model.activeParameterCount() / model.parameterCount();
        if (activeShare >= 1) {
            return weightBytes;
        }
        return weightBytes * (1 - Math.pow(1 - activeShare, Math.max(1, tokens)));
    }

    /** A decode step for {@code batch} sequences whose contexts average {@code averageContext} tokens. */
    public double decodeStepSeconds(int batch, double averageContext) {
        return stepSeconds(batch, batch * averageContext, 0, 0);
    }

    /** Prefill of a whole prompt of {@code tokens} tokens in one step on an otherwise idle replica. */
    public double prefillSeconds(int tokens) {
        return stepSeconds(0, 0, tokens, causalPairs(0, tokens));
    }

    /** Attention pairs for prefilling prompt tokens {@code from} (inclusive) to {@code to} (exclusive). */
    static double causalPairs(long from, long to) {
        // token i attends to i + 1 tokens
        return ((double) to * (to + 1) - (double) from * (from + 1)) / 2;
    }

    public static Duration toDuration(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    @Override
    public String toString() {
        return model.name() + " on " + acceleratorCount + " x " + accelerator + " at " + precision
                + (speculative == null ? "" : " with " + speculative);
    }
}
