package dev.ember.dataplane.engine;

import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.hardware.Precision;

/**
 * Speculative decoding: a draft proposes {@code draftTokens} tokens per step, the target model verifies them all in
 * one pass and keeps each with probability {@code acceptanceRate} until the first rejection, plus one token of its
 * own. Each proposed token costs {@code draftTokenCost} of a target decode step; a draft model's weights
 * ({@code draftWeightBytes}) share the replica's memory with the target's.
 */
public record SpeculativeDecoding(int draftTokens, double acceptanceRate, double draftTokenCost,
        double draftWeightBytes) {

    public SpeculativeDecoding {
        if (draftTokens < 1 || draftTokens > 16) {
            throw new IllegalArgumentException("draftTokens must be between 1 and 16, got " + draftTokens);
        }
        if (!(acceptanceRate >= 0 && acceptanceRate <= 1)) {
            throw new IllegalArgumentException("acceptanceRate must be between 0 and 1, got " + acceptanceRate);
        }
        if (!(draftTokenCost >= 0) || !(draftWeightBytes >= 0)) {
            throw new IllegalArgumentException("draft costs must not be negative");
        }
    }

    /** A draft of the generic cost ({@link EngineConstants#DRAFT_TOKEN_COST}) whose memory is not counted. */
    public SpeculativeDecoding(int draftTokens, double acceptanceRate) {
        this(draftTokens, acceptanceRate, EngineConstants.DRAFT_TOKEN_COST, 0);
    }

    /**
     * A draft model proposing {@code tokens}: each proposal is one decode step of the draft, which streams its weights
     * as the target streams its own, so it costs the draft's share of the target's active parameters.
     */
    public static SpeculativeDecoding draftModel(int tokens, ModelProfile draft, ModelProfile target,
            Precision precision) {
        return new SpeculativeDecoding(tokens, EngineConstants.DRAFT_MODEL_ACCEPTANCE,
                (double) draft.activeParameterCount() / target.activeParameterCount(),
                draft.parameterCount() * precision.bytesPerParameter());
    }

    /** N-gram (prompt lookup) speculation: proposals are found in the context, at no model cost and no memory. */
    public static SpeculativeDecoding ngram(int tokens) {
        return new SpeculativeDecoding(tokens, EngineConstants.NGRAM_ACCEPTANCE, 0, 0);
    }

    /** What a deployment's spec asks for: a draft model, n-gram speculation, or none (null). */
    public static SpeculativeDecoding of(DeploymentSpec spec, Precision precision) {
        if (spec.draftTokenCount() < 1) {
            return null;
        }
        if (spec.draftModel() != null) {
            return draftModel(spec.draftTokenCount(), spec.draftModel(), spec.model(), precision);
        }
        return spec.ngramSpeculationLength() > 0 ? ngram(spec.draftTokenCount()) : null;
    }

    /** Expected tokens a sequence gains per step: 1 + a + a^2 + ... + a^k. */
    public double tokensPerStep() {
        double tokens = 0;
        double p = 1;
        for (int i = 0; i <= draftTokens; i++) {
            tokens += p;
            p *= acceptanceRate;
        }
        return tokens;
    }
}
