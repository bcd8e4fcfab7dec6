package dev.ember.common.event;

/**
 * What serving needs to know of a model: size for memory and download time, shape for the KV cache, context
 * length. Carried in deployment events so the scheduler and data plane never read the control plane's catalog.
 * {@code embeddingDimensions} is the length of an embedding model's vectors, and 0 for a model that generates text.
 */
public record ModelProfile(
        String name,
        long parameterCount,
        long activeParameterCount,
        int layers,
        int hiddenSize,
        int kvHeads,
        int headDim,
        int contextLength,
        String defaultPrecision,
        int embeddingDimensions) {

    /** A model that generates text. */
    public ModelProfile(String name, long parameterCount, long activeParameterCount, int layers, int hiddenSize,
            int kvHeads, int headDim, int contextLength, String defaultPrecision) {
        this(name, parameterCount, activeParameterCount, layers, hiddenSize, kvHeads, headDim, contextLength,
                defaultPrecision, 0);
    }

    /** Whether the model serves embeddings rather than completions. */
    public boolean embedding() {
        return embeddingDimensions > 0;
    }
}
