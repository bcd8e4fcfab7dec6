package dev.ember.controlplane.deployment.service;

import java.util.ArrayList;
import java.util.List;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.common.hardware.Region;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.deployment.api.Deployment;

/**
 * A create request after checks that need no database: every bad field is reported at once. Nulls mean "use the
 * default", resolved by {@link HardwareSizing} once the model is known.
 */
record DeploymentRequest(
        ModelName baseModel,
        String displayName,
        String description,
        int minReplicaCount,
        int maxReplicaCount,
        AcceleratorType acceleratorType,
        Integer acceleratorCount,
        Precision precision,
        String placement) {

    static final int MAX_REPLICAS = 100;

    static DeploymentRequest validate(Deployment body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a deployment is required");
        }
        List<FieldViolation> violations = new ArrayList<>();
        ModelName model = null;
        if (body.baseModel() == null || body.baseModel().isBlank()) {
            violations.add(new FieldViolation("baseModel",
                    "is required, e.g. accounts/fireworks/models/llama-v3p1-8b-instruct"));
        } else {
            try {
                model = ModelName.parse("baseModel", body.baseModel());
            } catch (InvalidArgumentException e) {
                violations.addAll(e.violations());
            }
        }
        if (body.displayName() != null && body.displayName().length() >= 64) {
            violations.add(new FieldViolation("displayName", "must be fewer than 64 characters"));
        }
        if (body.description() != null && body.description().length() > 1000) {
            violations.add(new FieldViolation("description", "must be at most 1000 characters"));
        }
        int min = body.minReplicaCount() == null ? 0 : body.minReplicaCount();
        if (min < 0 || min > MAX_REPLICAS) {
            violations.add(new FieldViolation("minReplicaCount", "must be between 0 and " + MAX_REPLICAS));
        }
        int max = body.maxReplicaCount() == null ? Math.max(min, 1) : body.maxReplicaCount();
        if (max < 0 || max > MAX_REPLICAS) {
            violations.add(new FieldViolation("maxReplicaCount", "must be between 0 and " + MAX_REPLICAS));
        } else if (max < min) {
            violations.add(new FieldViolation("maxReplicaCount",
                    "must be at least minReplicaCount (" + min + "), got " + max));
        }
        AcceleratorType type = null;
        if (body.acceleratorType() != null) {
            type = AcceleratorType.find(body.acceleratorType()).orElse(null);
            if (type == null) {
                violations.add(new FieldViolation("acceleratorType",
                        "unknown accelerator type '" + body.acceleratorType() + "'; one of "
                                + AcceleratorType.names()));
            }
        }
        Integer count = body.acceleratorCount();
        if (count != null && !HardwareSizing.COUNTS.contains(count)) {
            violations.add(new FieldViolation("acceleratorCount", "must be 1, 2, 4 or 8, got " + count));
        }
        Precision precision = null;
        if (body.precision() != null) {
            precision = Precision.find(body.precision()).orElse(null);
            if (precision == null) {
                violations.add(new FieldViolation("precision",
                        "unknown precision '" + body.precision() + "'; one of " + Precision.names()));
            }
        }
        String placement = placement(body.placement(), violations);
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return new DeploymentRequest(model, body.displayName(), body.description(), min, max, type, count,
                precision, placement);
    }

    private static String placement(Deployment.Placement placement, List<FieldViolation> violations) {
        if (placement == null || (placement.region() == null && placement.multiRegion() == null)) {
            return Region.MegaRegion.GLOBAL.name();
        }
        if (placement.region() != null && placement.multiRegion() != null) {
            violations.add(new FieldViolation("placement", "set either region or multiRegion, not both"));
            return null;
        }
        if (placement.region() != null) {
            if (Region.find(placement.region()).isEmpty()) {
                violations.add(new FieldViolation("placement.region",
                        "unknown region '" + placement.region() + "'; one of " + Region.names()));
            }
            return placement.region();
        }
        if (Region.MegaRegion.find(placement.multiRegion()).isEmpty()) {
            violations.add(new FieldViolation("placement.multiRegion",
                    "unknown multi-region '" + placement.multiRegion() + "'; one of GLOBAL, US, EUROPE, APAC"));
        }
        return placement.multiRegion();
    }

    /** The ID asked for, or a generated one. */
    static String deploymentId(String requested) {
        return requested == null || requested.isEmpty()
                ? ResourceIds.generate(12)
                : ResourceIds.require("deploymentId", requested);
    }
}
