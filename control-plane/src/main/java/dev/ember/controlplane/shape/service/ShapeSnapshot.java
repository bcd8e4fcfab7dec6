package dev.ember.controlplane.shape.service;

/**
 * What one version of a deployment shape fixes, as the rules compute it and a version stores it. Two snapshots are
 * equal exactly when a deployment made from either would be the same, so an equal one makes no new version.
 * Nullable fields are "not set": a deployment made from the shape may choose them.
 */
public record ShapeSnapshot(
        String shapeId,
        String presetType,
        String displayName,
        String description,
        String baseModel,
        String modelType,
        long parameterCount,
        String acceleratorType,
        int acceleratorCount,
        String precision,
        String draftModel,
        Integer draftTokenCount,
        Integer ngramSpeculationLength,
        Boolean enableAddons,
        Integer maxContextLength) {
}
