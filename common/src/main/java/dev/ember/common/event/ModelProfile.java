package dev.ember.common.event;

/**
 * What serving needs to know of a model: size for memory and download time, shape for the KV cache, context
 * length. Carried in deployment events so the scheduler and data plane never read the control plane's catalog.
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
        String defaultPrecision) {
}
