package dev.ember.dataplane.engine;

/**
 * Speculative decoding: a draft proposes {@code draftTokens} tokens per step, the target model verifies them all in
 * one pass and keeps each with probability {@code acceptanceRate} until the first rejection, plus one token of its
 * own.
 */
public record SpeculativeDecoding(int draftTokens, double acceptanceRate) {

    public SpeculativeDecoding {
        if (draftTokens < 1 || draftTokens > 16) {
            throw new IllegalArgumentException("draftTokens must be between 1 and 16, got " + draftTokens);
        }
        if (!(acceptanceRate >= 0 && acceptanceRate <= 1)) {
            throw new IllegalArgumentException("acceptanceRate must be between 0 and 1, got " + acceptanceRate);
        }
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
