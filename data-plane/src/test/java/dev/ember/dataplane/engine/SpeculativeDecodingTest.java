package dev.ember.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.dataplane.engine.BatchSimulator.Workload;

/** Speculative decoding as a deployment's spec asks for it, and what it does to memory and speed. */
class SpeculativeDecodingTest {

    static final ModelCatalog CATALOG = ModelCatalog.load();
    static final ModelProfile LLAMA_8B = CATALOG.find("llama-v3p1-8b-instruct").orElseThrow();
    static final ModelProfile LLAMA_70B = CATALOG.find("llama-v3p1-70b-instruct").orElseThrow();

    static DeploymentSpec spec(ModelProfile model, ModelProfile draft, int tokens, int ngram) {
        return new DeploymentSpec("accounts/a/deployments/d", "uid", 1, "d", model.name(), model,
                "NVIDIA_B200_180GB", 2, "FP8", 0, 1, "GLOBAL", Instant.now(), null, draft, tokens, ngram, false, 0);
    }

    @Test
    void theSpecChoosesADraftModelNGramsOrNothing() {
        assertThat(SpeculativeDecoding.of(spec(LLAMA_70B, null, 0, 0), Precision.FP8)).isNull();
        assertThat(SpeculativeDecoding.of(spec(LLAMA_70B, null, 4, 0), Precision.FP8)).as("no method").isNull();

        SpeculativeDecoding draft = SpeculativeDecoding.of(spec(LLAMA_70B, LLAMA_8B, 4, 0), Precision.FP8);
        assertThat(draft.draftTokens()).isEqualTo(4);
        assertThat(draft.acceptanceRate()).isEqualTo(EngineConstants.DRAFT_MODEL_ACCEPTANCE);
        assertThat(draft.draftTokenCost()).isCloseTo(8.03 / 70.6, within(1e-3));
        assertThat(draft.draftWeightBytes()).isEqualTo(8.03e9, within(1e6));

        SpeculativeDecoding ngram = SpeculativeDecoding.of(spec(LLAMA_8B, null, 4, 3), Precision.FP8);
        assertThat(ngram.acceptanceRate()).isEqualTo(EngineConstants.NGRAM_ACCEPTANCE);
        assertThat(ngram.draftTokenCost()).isZero();
        assertThat(ngram.draftWeightBytes()).isZero();
    }

    @Test
    void aDraftModelsWeightsComeOutOfTheKvCache() {
        PerformanceModel plain = new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_B200_180GB, 2, Precision.FP8);
        PerformanceModel withDraft = new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_B200_180GB, 2,
                Precision.FP8, SpeculativeDecoding.draftModel(4, LLAMA_8B, LLAMA_70B, Precision.FP8));
        double lost = (plain.kvCapacityTokens() - withDraft.kvCapacityTokens()) * plain.kvBytesPerToken();
        assertThat(lost).isCloseTo(8.03e9, within(plain.kvBytesPerToken()));
        PerformanceModel ngram = new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_B200_180GB, 2,
                Precision.FP8, SpeculativeDecoding.ngram(4));
        assertThat(ngram.kvCapacityTokens()).isEqualTo(plain.kvCapacityTokens());
    }

    @Test
    void theFastShapesSpeculationLowersTheTimeBetweenTokens() {
        Workload one = Workload.standard(1, 1000, 500);
        double plain = BatchSimulator.run(new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_B200_180GB, 2,
                Precision.FP8), one).itlMsP50();
        double draft = BatchSimulator.run(new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_B200_180GB, 2,
                Precision.FP8, SpeculativeDecoding.draftModel(4, LLAMA_8B, LLAMA_70B, Precision.FP8)), one)
                .itlMsP50();
        double ngram = BatchSimulator.run(new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_B200_180GB, 2,
                Precision.FP8, SpeculativeDecoding.ngram(4)), one).itlMsP50();
        // 1 + 0.7 + ... + 0.7^4 = 2.77 tokens a step for about 1.45 steps' cost; n-gram 1.43 tokens for free.
        assertThat(draft).isLessThan(plain * 0.6);
        assertThat(ngram).isLessThan(plain * 0.8).isGreaterThan(draft);
    }
}
