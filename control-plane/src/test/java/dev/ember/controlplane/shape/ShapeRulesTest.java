package dev.ember.controlplane.shape;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.controlplane.deployment.service.HardwareSizing;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.shape.service.ShapeRules;
import dev.ember.controlplane.shape.service.ShapeSnapshot;

/** The shapes of each model of the shipped catalog, by the rules and the catalog's own figures. */
class ShapeRulesTest {

    static final List<ModelEntity> CATALOG = catalog();
    /** The catalog's models that generate text, each with three shapes. */
    static final List<ModelEntity> GENERATIVE = CATALOG.stream().filter(m -> !m.isEmbedding()).toList();
    static final Map<String, ModelEntity> BY_ID = CATALOG.stream()
            .collect(Collectors.toMap(m -> m.modelId, Function.identity()));

    @Test
    void everyGenerativeCatalogModelHasAFastAThroughputAndAMinimalShape() {
        assertThat(GENERATIVE).hasSizeLessThan(CATALOG.size());
        for (ModelEntity model : GENERATIVE) {
            assertThat(ShapeRules.shapesFor(model, CATALOG)).extracting(ShapeSnapshot::shapeId)
                    .containsExactly(model.modelId + "-fast", model.modelId + "-throughput",
                            model.modelId + "-minimal");
        }
    }

    @Test
    void minimalIsTheCheapestHardwareThatFits() {
        assertHardware("llama-v3p1-8b-instruct", "-minimal", AcceleratorType.NVIDIA_A100_80GB, 1, "FP8");
        // 70.6 GB: two A100s (price 2.0) beat one H200 (2.4) and two H100s (4.0).
        assertHardware("llama-v3p1-70b-instruct", "-minimal", AcceleratorType.NVIDIA_A100_80GB, 2, "FP8");
        assertHardware("gpt-oss-120b", "-minimal", AcceleratorType.NVIDIA_A100_80GB, 2, "FP8");
        // 671 GB fits on no eight 80 GB GPUs; eight H200s cost less than eight B200s.
        assertHardware("deepseek-v3", "-minimal", AcceleratorType.NVIDIA_H200_141GB, 8, "FP8");
        for (ModelEntity model : GENERATIVE) {
            ShapeSnapshot minimal = shape(model.modelId, "-minimal");
            assertThat(minimal.draftModel()).isNull();
            assertThat(minimal.ngramSpeculationLength()).isNull();
            assertThat(minimal.draftTokenCount()).isNull();
        }
    }

    @Test
    void throughputIsTheFewestFp8GpusThatKeepHalfTheirMemoryForTheKvCache() {
        assertHardware("llama-v3p1-8b-instruct", "-throughput", AcceleratorType.NVIDIA_H100_80GB, 1, "FP8");
        // 70.6 GB is more than half of an H200 (70.5 GB) but less than half of a B200.
        assertHardware("llama-v3p1-70b-instruct", "-throughput", AcceleratorType.NVIDIA_B200_180GB, 1, "FP8");
        // Two H200s and two B200s both keep half free: the cheaper wins.
        assertHardware("gpt-oss-120b", "-throughput", AcceleratorType.NVIDIA_H200_141GB, 2, "FP8");
        assertHardware("deepseek-v3", "-throughput", AcceleratorType.NVIDIA_B200_180GB, 8, "FP8");
        for (ModelEntity model : GENERATIVE) {
            ShapeSnapshot s = shape(model.modelId, "-throughput");
            long weights = Precision.FP8.weightBytes(model.parameterCount);
            AcceleratorType type = AcceleratorType.valueOf(s.acceleratorType());
            assertThat(type).as("FP8 units").isNotEqualTo(AcceleratorType.NVIDIA_A100_80GB);
            assertThat(HardwareSizing.fits(weights, type, s.acceleratorCount())).isTrue();
        }
    }

    @Test
    void fastUsesTheFastestGpusAndSpeculates() {
        // Llama 3.1 8B is at most 1/8 of the 70Bs and of their family: their draft model.
        ShapeSnapshot llama70 = assertHardware("llama-v3p1-70b-instruct", "-fast", AcceleratorType.NVIDIA_B200_180GB,
                2, "FP8");
        assertThat(llama70.draftModel()).isEqualTo("accounts/fireworks/models/llama-v3p1-8b-instruct");
        assertThat(llama70.draftTokenCount()).isEqualTo(ShapeRules.DRAFT_TOKENS);
        assertThat(llama70.ngramSpeculationLength()).isNull();
        assertThat(shape("llama-v3p3-70b-instruct", "-fast").draftModel())
                .isEqualTo("accounts/fireworks/models/llama-v3p1-8b-instruct");
        // No smaller model of the family: n-gram speculation.
        ShapeSnapshot llama8 = assertHardware("llama-v3p1-8b-instruct", "-fast", AcceleratorType.NVIDIA_B200_180GB, 1,
                "FP8");
        assertThat(llama8.draftModel()).isNull();
        assertThat(llama8.ngramSpeculationLength()).isEqualTo(ShapeRules.NGRAM_LENGTH);
        assertThat(llama8.draftTokenCount()).isEqualTo(ShapeRules.DRAFT_TOKENS);
        // 117 GB in at most a quarter of each B200 (45 GB): four.
        assertHardware("gpt-oss-120b", "-fast", AcceleratorType.NVIDIA_B200_180GB, 4, "FP8");
        // Eight B200s cannot keep 671 GB within a quarter; the fewest that fit at all.
        assertHardware("deepseek-v3", "-fast", AcceleratorType.NVIDIA_B200_180GB, 8, "FP8");
        assertThat(shape("deepseek-v3", "-fast").draftModel()).isNull();
    }

    @Test
    void fastIsNeverSlowerHardwareThanThroughputAndMinimalNeverDearer() {
        for (ModelEntity model : GENERATIVE) {
            ShapeSnapshot fast = shape(model.modelId, "-fast");
            ShapeSnapshot throughput = shape(model.modelId, "-throughput");
            ShapeSnapshot minimal = shape(model.modelId, "-minimal");
            assertThat(bandwidth(fast)).as(model.modelId).isGreaterThanOrEqualTo(bandwidth(throughput));
            assertThat(price(minimal)).as(model.modelId).isLessThanOrEqualTo(price(throughput));
        }
    }

    @Test
    void anEmbeddingModelHasOnlyAThroughputShapeAtItsOwnPrecisionOnTheCheapestRoomyGpu() {
        ModelEntity nomic = BY_ID.get("nomic-embed-text-v1p5");
        assertThat(nomic.isEmbedding()).isTrue();
        List<ShapeSnapshot> shapes = ShapeRules.shapesFor(nomic, CATALOG);
        assertThat(shapes).extracting(ShapeSnapshot::shapeId).containsExactly("nomic-embed-text-v1p5-throughput");
        ShapeSnapshot s = assertHardware("nomic-embed-text-v1p5", "-throughput", AcceleratorType.NVIDIA_A100_80GB, 1,
                "FP16");
        assertThat(s.presetType()).isEqualTo(ShapeRules.THROUGHPUT);
        assertThat(s.modelType()).isEqualTo(ModelEntity.EMBEDDING_MODEL);
        assertThat(s.draftModel()).isNull();
        assertThat(s.draftTokenCount()).isNull();
        assertThat(s.ngramSpeculationLength()).isNull();
        // Never a draft model, even for a model whose ID shares its family prefix.
        ModelEntity big = model("nomic-embed-text-v1p5-xl", 10_000_000_000L);
        assertThat(ShapeRules.shapesFor(big, CATALOG).get(0).draftModel()).isNull();
    }

    @Test
    void familiesComeFromTheModelIdsVersionPrefix() {
        ModelEntity qwen = model("qwen2p5-72b-instruct", 72_700_000_000L);
        assertThat(ShapeRules.shapesFor(qwen, CATALOG).get(0).draftModel()).as("no family, no draft").isNull();
        ModelEntity llama405 = model("llama-v3p1-405b-instruct", 405_000_000_000L);
        assertThat(ShapeRules.shapesFor(llama405, CATALOG).get(0).draftModel())
                .isEqualTo("accounts/fireworks/models/llama-v3p1-8b-instruct");
        ModelEntity tooLong = model("m".repeat(60), 1_000_000_000L);
        assertThat(ShapeRules.shapesFor(tooLong, CATALOG)).as("no room for the suffix in an ID").isEmpty();
    }

    private static ShapeSnapshot assertHardware(String modelId, String suffix, AcceleratorType type, int count,
            String precision) {
        ShapeSnapshot s = shape(modelId, suffix);
        assertThat(s.acceleratorType()).as(modelId + suffix).isEqualTo(type.name());
        assertThat(s.acceleratorCount()).as(modelId + suffix).isEqualTo(count);
        assertThat(s.precision()).as(modelId + suffix).isEqualTo(precision);
        assertThat(s.baseModel()).isEqualTo("accounts/fireworks/models/" + modelId);
        return s;
    }

    private static ShapeSnapshot shape(String modelId, String suffix) {
        return ShapeRules.shapesFor(BY_ID.get(modelId), CATALOG).stream()
                .filter(s -> s.shapeId().equals(modelId + suffix)).findFirst().orElseThrow();
    }

    private static double bandwidth(ShapeSnapshot s) {
        return AcceleratorType.valueOf(s.acceleratorType()).hbmBytesPerSecond();
    }

    private static double price(ShapeSnapshot s) {
        return ShapeRules.PRICE.get(AcceleratorType.valueOf(s.acceleratorType())) * s.acceleratorCount();
    }

    private static ModelEntity model(String id, long parameters) {
        ModelEntity m = new ModelEntity();
        m.accountId = "fireworks";
        m.modelId = id;
        m.displayName = id;
        m.kind = "HF_BASE_MODEL";
        m.parameterCount = parameters;
        m.activeParameterCount = parameters;
        m.contextLength = 131072;
        m.defaultPrecision = "FP8";
        return m;
    }

    private static List<ModelEntity> catalog() {
        try (InputStream in = ShapeRulesTest.class.getResourceAsStream("/catalog/models.json")) {
            JsonNode models = new ObjectMapper().readTree(in);
            List<ModelEntity> all = new java.util.ArrayList<>();
            for (JsonNode m : models) {
                ModelEntity e = model(m.get("modelId").asText(), m.get("parameterCount").asLong());
                e.displayName = m.get("displayName").asText();
                e.activeParameterCount = m.get("activeParameterCount").asLong();
                e.defaultPrecision = m.get("defaultPrecision").asText();
                e.embeddingDimensions = m.path("embeddingDimensions").asInt(0);
                e.kind = e.embeddingDimensions > 0 ? ModelEntity.EMBEDDING_MODEL : ModelEntity.HF_BASE_MODEL;
                all.add(e);
            }
            return all;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
