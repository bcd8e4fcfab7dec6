package dev.ember.controlplane.shape.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.deployment.service.HardwareSizing;
import dev.ember.controlplane.model.persistence.ModelEntity;

/**
 * The three shapes of every catalog model, each chosen by one rule from the model's size. Weights always fit by
 * {@link HardwareSizing}'s rule (at most 80% of the replica's GPU memory); the presets differ in what they spend the
 * rest on:
 * <ul>
 * <li><b>MINIMAL</b>, cheapest that fits: the model's default precision on the (type, count) with the lowest price
 * per hour ({@link #PRICE}: count x the type's relative price), fewer GPUs on a tie. No speculation.</li>
 * <li><b>THROUGHPUT</b>, most tokens per GPU: FP8 on a GPU with FP8 units, the fewest GPUs that keep half of their
 * memory for the KV cache (large batches need it), the cheaper type on a tie; the fewest that fit at all when no
 * count keeps half.</li>
 * <li><b>FAST</b>, lowest latency: FP8 on the FP8 GPU with the most memory bandwidth (decoding streams the weights
 * from memory every step), on enough of them that the weights take at most a quarter of their memory (tensor
 * parallelism splits each step's reads), and speculative decoding: a draft model of the same family (the smallest
 * catalog model whose ID shares the base's {@code name-vN} prefix, at most 1/8 of its parameters) proposing
 * {@value #DRAFT_TOKENS} tokens per step, or, with no such model, n-gram speculation matching
 * {@value #NGRAM_LENGTH} tokens.</li>
 * </ul>
 * A model's ID plus the preset's suffix is the shape ID ({@code llama-v3p1-8b-instruct-fast}), as in Fireworks.
 * <p>
 * An embedding model ({@code EMBEDDING_MODEL}) generates nothing: there is no decoding to speed up or speculate, and
 * its cost is reading inputs in large batches. It has one shape, <b>THROUGHPUT</b>: its default precision (vectors
 * are not quantized to FP8 behind the user's back) on the cheapest (type, count) that keeps half of the GPU memory for
 * the batch's KV cache; FAST and MINIMAL would only repeat it or add speculation that has nothing to act on. An
 * embedding model is never anyone's draft model.
 */
public final class ShapeRules {

    public static final String FAST = "FAST";
    public static final String THROUGHPUT = "THROUGHPUT";
    public static final String MINIMAL = "MINIMAL";
    /** The presets in the order they are listed, each with its shape ID suffix. */
    public static final Map<String, String> SUFFIXES = Map.of(FAST, "-fast", THROUGHPUT, "-throughput", MINIMAL,
            "-minimal");

    /**
     * Relative price of one GPU-hour, from the ratios of public on-demand list prices (A100 80GB the cheapest, B200
     * about four times it). Only the order of (type, count) candidates depends on them.
     */
    public static final Map<AcceleratorType, Double> PRICE = Map.of(AcceleratorType.NVIDIA_A100_80GB, 1.0,
            AcceleratorType.NVIDIA_H100_80GB, 2.0, AcceleratorType.NVIDIA_H200_141GB, 2.4,
            AcceleratorType.NVIDIA_B200_180GB, 4.1);
    /** THROUGHPUT keeps at least this share of GPU memory for the KV cache. */
    public static final double THROUGHPUT_KV_SHARE = 0.5;
    /** FAST spreads the weights until they take at most this share of GPU memory. */
    public static final double FAST_WEIGHT_SHARE = 0.25;
    public static final int DRAFT_TOKENS = 4;
    public static final int NGRAM_LENGTH = 3;
    /** A draft model has at most this share of the base's parameters. */
    public static final double DRAFT_MAX_SHARE = 1.0 / 8;

    private static final Pattern FAMILY = Pattern.compile("^([a-z]+(?:-[a-z]+)*-v\\d+)");

    private ShapeRules() {
    }

    /** The shapes of {@code model}; {@code catalog} is every catalog model (draft candidates). */
    public static List<ShapeSnapshot> shapesFor(ModelEntity model, List<ModelEntity> catalog) {
        List<ShapeSnapshot> shapes = new ArrayList<>();
        if (model.isEmbedding()) {
            String id = model.modelId + SUFFIXES.get(THROUGHPUT);
            if (ResourceIds.isValid(id)) {
                embeddingThroughput(id, model).ifPresent(shapes::add);
            }
            return shapes;
        }
        for (String preset : List.of(FAST, THROUGHPUT, MINIMAL)) {
            String id = model.modelId + SUFFIXES.get(preset);
            if (!ResourceIds.isValid(id)) {
                continue; // the model ID is too long for a suffix; such a model has no preset shapes
            }
            Optional<ShapeSnapshot> shape = switch (preset) {
                case FAST -> fast(id, model, catalog);
                case THROUGHPUT -> throughput(id, model);
                default -> minimal(id, model);
            };
            shape.ifPresent(shapes::add);
        }
        return shapes;
    }

    static Optional<ShapeSnapshot> minimal(String id, ModelEntity model) {
        Precision precision = defaultPrecision(model);
        long weights = precision.weightBytes(model.parameterCount);
        return cheapest(weights, List.of(AcceleratorType.values()), HardwareSizing.KV_CACHE_SHARE)
                .map(hw -> snapshot(id, MINIMAL, model, hw, precision, null, null, null,
                        "Cheapest that fits: " + hw + " at " + precision + ", the lowest price per hour that holds "
                                + "the weights in 80% of GPU memory."));
    }

    static Optional<ShapeSnapshot> throughput(String id, ModelEntity model) {
        Precision precision = fp8(model);
        long weights = precision.weightBytes(model.parameterCount);
        List<AcceleratorType> types = fp8Types();
        Optional<Hw> roomy = fewest(weights, types, THROUGHPUT_KV_SHARE);
        Optional<Hw> hw = roomy.isPresent() ? roomy : fewest(weights, types, HardwareSizing.KV_CACHE_SHARE);
        return hw.map(h -> snapshot(id, THROUGHPUT, model, h, precision, null, null, null,
                "Most throughput per GPU: " + h + " at " + precision + ", the fewest GPUs that "
                        + (roomy.isPresent() ? "keep half their memory" : "leave room")
                        + " for the KV cache, so large batches fit."));
    }

    /** An embedding model's one shape: its default precision on the cheapest GPUs that keep half their memory free. */
    static Optional<ShapeSnapshot> embeddingThroughput(String id, ModelEntity model) {
        Precision precision = defaultPrecision(model);
        long weights = precision.weightBytes(model.parameterCount);
        return cheapest(weights, List.of(AcceleratorType.values()), THROUGHPUT_KV_SHARE)
                .map(hw -> snapshot(id, THROUGHPUT, model, hw, precision, null, null, null,
                        "Most embeddings per dollar: " + hw + " at " + precision + ", the cheapest GPUs that keep "
                                + "half their memory for large batches of inputs. No speculation: an embedding "
                                + "model reads its inputs and generates nothing."));
    }

    static Optional<ShapeSnapshot> fast(String id, ModelEntity model, List<ModelEntity> catalog) {
        Precision precision = fp8(model);
        Optional<ModelEntity> draft = draftFor(model, catalog);
        long weights = precision.weightBytes(model.parameterCount)
                + draft.map(d -> precision.weightBytes(d.parameterCount)).orElse(0L);
        AcceleratorType type = fp8Types().stream().max(Comparator.comparingDouble(AcceleratorType::hbmBytesPerSecond))
                .orElseThrow();
        int count = HardwareSizing.smallestCount(weights, type, 1 - FAST_WEIGHT_SHARE);
        if (count < 0) {
            count = HardwareSizing.smallestCount(weights, type);
        }
        if (count < 0) {
            return Optional.empty();
        }
        Hw hw = new Hw(type, count);
        String speculation = draft
                .map(d -> "speculative decoding with " + d.modelId + " proposing " + DRAFT_TOKENS + " tokens a step")
                .orElse("n-gram speculation matching " + NGRAM_LENGTH + " tokens and proposing " + DRAFT_TOKENS);
        return Optional.of(snapshot(id, FAST, model, hw, precision, draft.map(ModelEntity::name).orElse(null),
                DRAFT_TOKENS, draft.isPresent() ? null : NGRAM_LENGTH,
                "Lowest latency: " + hw + " at " + precision + ", the GPU with the most memory bandwidth, with the "
                        + "weights in at most a quarter of its memory; " + speculation + "."));
    }

    /**
     * The smallest catalog model of the base's family with at most {@link #DRAFT_MAX_SHARE} of its parameters:
     * models of one family share a tokenizer, which a draft model must.
     */
    static Optional<ModelEntity> draftFor(ModelEntity model, List<ModelEntity> catalog) {
        String family = family(model.modelId);
        if (family == null) {
            return Optional.empty();
        }
        return catalog.stream()
                .filter(c -> !c.modelId.equals(model.modelId) && !c.isEmbedding()
                        && family.equals(family(c.modelId)))
                .filter(c -> c.parameterCount <= model.parameterCount * DRAFT_MAX_SHARE)
                .min(Comparator.comparingLong((ModelEntity c) -> c.parameterCount).thenComparing(c -> c.modelId));
    }

    /** {@code llama-v3} for {@code llama-v3p1-8b-instruct}; null when the ID has no {@code name-vN} prefix. */
    static String family(String modelId) {
        Matcher m = FAMILY.matcher(modelId);
        return m.find() ? m.group(1) : null;
    }

    private static Optional<Hw> cheapest(long weights, List<AcceleratorType> types, double kvShare) {
        return candidates(weights, types, kvShare).stream()
                .min(Comparator.comparingDouble(Hw::price).thenComparingInt(Hw::count)
                        .thenComparing(Hw::type));
    }

    private static Optional<Hw> fewest(long weights, List<AcceleratorType> types, double kvShare) {
        return candidates(weights, types, kvShare).stream()
                .min(Comparator.comparingInt(Hw::count).thenComparingDouble(Hw::price).thenComparing(Hw::type));
    }

    /** For each type, the fewest GPUs that fit. */
    private static List<Hw> candidates(long weights, List<AcceleratorType> types, double kvShare) {
        List<Hw> fit = new ArrayList<>();
        for (AcceleratorType type : types) {
            int count = HardwareSizing.smallestCount(weights, type, kvShare);
            if (count > 0) {
                fit.add(new Hw(type, count));
            }
        }
        return fit;
    }

    /** GPUs with FP8 units (FP8 on an A100 only saves memory). */
    private static List<AcceleratorType> fp8Types() {
        return List.of(AcceleratorType.values()).stream()
                .filter(t -> t.denseFp8Flops() > t.denseBf16Flops())
                .toList();
    }

    private static Precision defaultPrecision(ModelEntity model) {
        return Precision.find(model.defaultPrecision).orElse(Precision.FP16);
    }

    /** FP8, unless the model is served smaller still by default. */
    private static Precision fp8(ModelEntity model) {
        Precision byDefault = defaultPrecision(model);
        return byDefault.bytesPerParameter() < Precision.FP8.bytesPerParameter() ? byDefault : Precision.FP8;
    }

    private static ShapeSnapshot snapshot(String id, String preset, ModelEntity model, Hw hw, Precision precision,
            String draftModel, Integer draftTokens, Integer ngram, String description) {
        String suffix = " " + preset.charAt(0) + preset.substring(1).toLowerCase();
        String display = model.displayName.length() + suffix.length() > 63
                ? model.displayName.substring(0, 63 - suffix.length()) + suffix
                : model.displayName + suffix;
        return new ShapeSnapshot(id, preset, display, description, model.name(), model.kind, model.parameterCount,
                hw.type().name(), hw.count(), precision.name(), draftModel, draftTokens, ngram, null, null);
    }

    private record Hw(AcceleratorType type, int count) {

        double price() {
            return count * PRICE.get(type);
        }

        @Override
        public String toString() {
            return count + " x " + type;
        }
    }
}
