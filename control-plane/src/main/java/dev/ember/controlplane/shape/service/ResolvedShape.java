package dev.ember.controlplane.shape.service;

/** The shape version a deployment's {@code deploymentShape} named, and what it fixes. */
public record ResolvedShape(String versionName, ShapeSnapshot snapshot) {
}
