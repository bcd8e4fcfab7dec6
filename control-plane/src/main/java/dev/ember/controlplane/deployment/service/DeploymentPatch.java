package dev.ember.controlplane.deployment.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.controlplane.deployment.api.Deployment;

/**
 * A PATCH of a deployment: which fields change, merged onto the stored deployment so that the result is checked by
 * the same rules as a create. Without {@code updateMask} every field present in the body changes; with it, exactly
 * the fields it names change, and a named field missing from the body goes back to its default (AIP-134).
 * {@code baseModel} and {@code placement} are immutable: sending them unchanged is fine, changing them is refused.
 * Output-only fields in the body are ignored, as on create; naming one in the mask is an error.
 */
final class DeploymentPatch {

    static final Set<String> MUTABLE = Set.of("displayName", "description", "minReplicaCount", "maxReplicaCount",
            "autoscalingPolicy", "autoscalingPolicy.scaleUpWindow", "autoscalingPolicy.scaleDownWindow",
            "autoscalingPolicy.scaleToZeroWindow", "autoscalingPolicy.loadTargets",
            "autoscalingPolicy.scalingSchedules", "acceleratorType", "acceleratorCount", "precision",
            "deploymentShape", "draftModel", "draftTokenCount", "ngramSpeculationLength", "enableAddons",
            "maxContextLength");
    static final Set<String> IMMUTABLE = Set.of("baseModel", "placement", "placement.region",
            "placement.multiRegion");

    private DeploymentPatch() {
    }

    /** The fields the update changes: the mask's, or every mutable field set in the body. */
    static Set<String> paths(String updateMask, Deployment body) {
        Set<String> paths = new LinkedHashSet<>();
        if (updateMask == null || updateMask.isBlank()) {
            addIfSet(paths, "displayName", body.displayName());
            addIfSet(paths, "description", body.description());
            addIfSet(paths, "minReplicaCount", body.minReplicaCount());
            addIfSet(paths, "maxReplicaCount", body.maxReplicaCount());
            addIfSet(paths, "autoscalingPolicy", body.autoscalingPolicy());
            addIfSet(paths, "acceleratorType", body.acceleratorType());
            addIfSet(paths, "acceleratorCount", body.acceleratorCount());
            addIfSet(paths, "precision", body.precision());
            addIfSet(paths, "deploymentShape", body.deploymentShape());
            addIfSet(paths, "draftModel", body.draftModel());
            addIfSet(paths, "draftTokenCount", body.draftTokenCount());
            addIfSet(paths, "ngramSpeculationLength", body.ngramSpeculationLength());
            addIfSet(paths, "enableAddons", body.enableAddons());
            addIfSet(paths, "maxContextLength", body.maxContextLength());
            return paths;
        }
        List<FieldViolation> violations = new ArrayList<>();
        for (String raw : updateMask.split(",")) {
            String path = raw.trim();
            if (MUTABLE.contains(path)) {
                paths.add(path);
            } else if (IMMUTABLE.contains(path)) {
                violations.add(new FieldViolation(path.split("\\.")[0],
                        "is immutable after create; create a new deployment instead"));
            } else {
                violations.add(new FieldViolation("updateMask", "'" + path + "' cannot be updated; updatable "
                        + "fields are " + MUTABLE.stream().sorted().toList()));
            }
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return paths;
    }

    /** Refuses a body that changes an immutable field. */
    static void checkImmutable(Deployment current, Deployment body) {
        List<FieldViolation> violations = new ArrayList<>();
        if (body.baseModel() != null && !body.baseModel().equals(current.baseModel())) {
            violations.add(new FieldViolation("baseModel", "is immutable after create (is '" + current.baseModel()
                    + "'); create a new deployment for another model"));
        }
        Deployment.Placement placement = body.placement();
        if (placement != null && (placement.region() != null || placement.multiRegion() != null)
                && !(Objects.equals(placement.region(), current.placement().region())
                        && Objects.equals(placement.multiRegion(), current.placement().multiRegion()))) {
            violations.add(new FieldViolation("placement", "is immutable after create (is "
                    + describe(current.placement()) + "); create a new deployment to run elsewhere"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
    }

    /** Whether the update names a new shape (rather than keeping the stored one, or leaving it). */
    static boolean newShape(Deployment body, Set<String> paths) {
        return paths.contains("deploymentShape") && body.deploymentShape() != null
                && !body.deploymentShape().isBlank();
    }

    /**
     * The deployment as it would be after the update, as a create body. With a new shape, the fields it fixes that
     * the update does not name are left out, so they come from the shape.
     */
    static Deployment merge(Deployment current, Deployment body, Set<String> paths) {
        Deployment.AutoscalingPolicy policy = mergePolicy(current.autoscalingPolicy(), body.autoscalingPolicy(),
                paths);
        boolean shaped = newShape(body, paths);
        String type = paths.contains("acceleratorType")
                ? body.acceleratorType()
                : shaped ? null : current.acceleratorType();
        Integer count = paths.contains("acceleratorCount")
                ? body.acceleratorCount()
                // A new accelerator type without a count is sized again.
                : paths.contains("acceleratorType") || shaped ? null : current.acceleratorCount();
        return new Deployment(null,
                paths.contains("displayName") ? body.displayName() : current.displayName(),
                paths.contains("description") ? body.description() : current.description(),
                null, null, null, null, null, null,
                paths.contains("minReplicaCount") ? body.minReplicaCount() : current.minReplicaCount(),
                paths.contains("maxReplicaCount") ? body.maxReplicaCount() : current.maxReplicaCount(),
                null, null, policy, current.baseModel(), count, type,
                pick("precision", body.precision(), current.precision(), paths, shaped),
                current.placement(), null, null,
                paths.contains("enableAddons") ? body.enableAddons() : current.enableAddons(),
                pick("draftTokenCount", body.draftTokenCount(), current.draftTokenCount(), paths, shaped),
                pick("draftModel", body.draftModel(), current.draftModel(), paths, shaped),
                pick("ngramSpeculationLength", body.ngramSpeculationLength(), current.ngramSpeculationLength(), paths,
                        shaped),
                paths.contains("maxContextLength") ? body.maxContextLength() : current.maxContextLength(),
                paths.contains("deploymentShape") ? body.deploymentShape() : current.deploymentShape());
    }

    /** The body's value when the update names the field; none when a new shape will set it; else the current one. */
    private static <T> T pick(String field, T body, T current, Set<String> paths, boolean shaped) {
        return paths.contains(field) ? body : shaped ? null : current;
    }

    private static Deployment.AutoscalingPolicy mergePolicy(Deployment.AutoscalingPolicy current,
            Deployment.AutoscalingPolicy body, Set<String> paths) {
        if (paths.contains("autoscalingPolicy")) {
            return body;
        }
        Deployment.AutoscalingPolicy b = body == null
                ? new Deployment.AutoscalingPolicy(null, null, null, null, null)
                : body;
        return new Deployment.AutoscalingPolicy(
                paths.contains("autoscalingPolicy.scaleUpWindow") ? b.scaleUpWindow() : current.scaleUpWindow(),
                paths.contains("autoscalingPolicy.scaleDownWindow") ? b.scaleDownWindow() : current.scaleDownWindow(),
                paths.contains("autoscalingPolicy.scaleToZeroWindow")
                        ? b.scaleToZeroWindow()
                        : current.scaleToZeroWindow(),
                paths.contains("autoscalingPolicy.loadTargets") ? b.loadTargets() : current.loadTargets(),
                paths.contains("autoscalingPolicy.scalingSchedules")
                        ? b.scalingSchedules()
                        : current.scalingSchedules());
    }

    private static void addIfSet(Set<String> paths, String path, Object value) {
        if (value != null) {
            paths.add(path);
        }
    }

    private static String describe(Deployment.Placement p) {
        return p.region() != null ? "region " + p.region() : "multiRegion " + p.multiRegion();
    }
}
