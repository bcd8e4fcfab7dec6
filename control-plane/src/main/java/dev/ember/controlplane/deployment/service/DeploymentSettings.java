package dev.ember.controlplane.deployment.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.common.name.ModelName;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.shape.service.ResolvedShape;
import dev.ember.controlplane.shape.service.ShapeSnapshot;

/**
 * A deployment's shape and serving options, once the models they name are known. A shape fixes the hardware
 * (accelerator type and count, precision) and whatever speculation, addons and context length it sets; the request
 * may leave those out, or repeat them, or set what the shape leaves unset.
 */
final class DeploymentSettings {

    /** The request with everything applied, its base model and its draft model (or null). */
    record Settled(DeploymentRequest request, ModelEntity model, ModelEntity draft) {
    }

    /** A field a shape may fix: how to read it from a request and from a snapshot, by its API name. */
    private record Governed(String field, Function<DeploymentRequest, Object> request,
            Function<ShapeSnapshot, Object> shape, boolean speculation) {
    }

    private static final List<Governed> GOVERNED = List.of(
            new Governed("acceleratorType", r -> r.acceleratorType() == null ? null : r.acceleratorType().name(),
                    ShapeSnapshot::acceleratorType, false),
            new Governed("acceleratorCount", DeploymentRequest::acceleratorCount, ShapeSnapshot::acceleratorCount,
                    false),
            new Governed("precision", r -> r.precision() == null ? null : r.precision().name(),
                    ShapeSnapshot::precision, false),
            new Governed("draftModel", r -> r.draftModel() == null ? null : r.draftModel().toString(),
                    ShapeSnapshot::draftModel, true),
            new Governed("draftTokenCount", DeploymentRequest::draftTokenCount, ShapeSnapshot::draftTokenCount, true),
            new Governed("ngramSpeculationLength", DeploymentRequest::ngramSpeculationLength,
                    ShapeSnapshot::ngramSpeculationLength, true),
            new Governed("enableAddons", DeploymentRequest::enableAddons, ShapeSnapshot::enableAddons, false),
            new Governed("maxContextLength", DeploymentRequest::maxContextLength, ShapeSnapshot::maxContextLength,
                    false));

    private DeploymentSettings() {
    }

    /**
     * A request that names its shape (a create, or an update of {@code deploymentShape}): fields it leaves out come
     * from the shape, and one that differs from what the shape fixes is an error naming it. With
     * {@code withoutSpeculation} (create's {@code disableSpeculativeDecoding}) the shape's speculation is left out.
     */
    static DeploymentRequest applyShape(DeploymentRequest r, ResolvedShape shape, boolean withoutSpeculation) {
        ShapeSnapshot s = shape.snapshot();
        List<FieldViolation> violations = new ArrayList<>();
        Object[] values = new Object[GOVERNED.size()];
        for (int i = 0; i < GOVERNED.size(); i++) {
            Governed g = GOVERNED.get(i);
            Object fixed = g.speculation() && withoutSpeculation ? null : g.shape().apply(s);
            Object asked = g.request().apply(r);
            if (asked != null && fixed != null && !asked.equals(fixed)) {
                violations.add(new FieldViolation(g.field(), "conflicts with deployment shape " + shape.versionName()
                        + ", which sets " + fixed + "; leave it out, or create the deployment without a shape"));
            }
            values[i] = asked != null ? asked : fixed;
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return r.with(AcceleratorType.valueOf((String) values[0]), (Integer) values[1],
                Precision.valueOf((String) values[2]), shape.versionName(),
                values[3] == null ? null : ModelName.parse("draftModel", (String) values[3]), (Integer) values[4],
                (Integer) values[5], (Boolean) values[6], (Integer) values[7]);
    }

    /**
     * An update that keeps the stored shape: the deployment still shows it if every field the shape fixes is
     * unchanged, and leaves it (shows none) once one is changed.
     */
    static DeploymentRequest keepOrLeaveShape(DeploymentRequest r, ResolvedShape shape) {
        boolean same = GOVERNED.stream().allMatch(g -> {
            Object fixed = g.shape().apply(shape.snapshot());
            return fixed == null || fixed.equals(g.request().apply(r));
        });
        return same ? r : withoutShape(r);
    }

    static DeploymentRequest withoutShape(DeploymentRequest r) {
        return r.with(r.acceleratorType(), r.acceleratorCount(), r.precision(), null, r.draftModel(),
                r.draftTokenCount(), r.ngramSpeculationLength(), r.enableAddons(), r.maxContextLength());
    }

    /**
     * The checks that need the models: the draft model is smaller than the base, no speculation on or by an embedding
     * model, speculation has one method, a token count has something to propose them, the context fits the model's,
     * addons only where the model takes LoRA.
     * A draft model or n-gram speculation without a token count proposes {@value DeploymentRequest#DEFAULT_DRAFT_TOKENS}.
     */
    static Settled check(DeploymentRequest r, ModelEntity model, ModelEntity draft) {
        List<FieldViolation> violations = new ArrayList<>();
        if (draft != null) {
            if (Objects.equals(draft.name(), model.name())) {
                violations.add(new FieldViolation("draftModel", "must be a smaller model than the base model itself"));
            } else if (draft.parameterCount >= model.parameterCount) {
                violations.add(new FieldViolation("draftModel", "must be smaller than the base model: " + draft.name()
                        + " has " + draft.parameterCount + " parameters, " + model.name() + " "
                        + model.parameterCount));
            }
        }
        boolean ngram = r.ngramSpeculationLength() != null;
        if (model.isEmbedding() && (r.draftModel() != null || ngram)) {
            violations.add(new FieldViolation(r.draftModel() != null ? "draftModel" : "ngramSpeculationLength",
                    model.name() + " is an embedding model: it generates no tokens to speculate on"));
        } else if (draft != null && draft.isEmbedding()) {
            violations.add(new FieldViolation("draftModel", draft.name() + " is an embedding model: it generates no "
                    + "tokens to propose"));
        }
        if (r.draftModel() != null && ngram) {
            violations.add(new FieldViolation("ngramSpeculationLength",
                    "set either a draftModel or n-gram speculation, not both (draftModel is " + r.draftModel() + ")"));
        }
        if (r.draftTokenCount() != null && r.draftModel() == null && !ngram) {
            violations.add(new FieldViolation("draftTokenCount",
                    "applies only to speculative decoding: set a draftModel or ngramSpeculationLength too"));
        }
        if (r.maxContextLength() != null && r.maxContextLength() > model.contextLength) {
            violations.add(new FieldViolation("maxContextLength", "must be at most the context length of "
                    + model.name() + " (" + model.contextLength + "), got " + r.maxContextLength()));
        }
        if (Boolean.TRUE.equals(r.enableAddons()) && !model.supportsLora) {
            violations.add(new FieldViolation("enableAddons", model.name() + " does not support LoRA addons"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        Integer tokens = r.draftTokenCount() == null && (r.draftModel() != null || ngram)
                ? Integer.valueOf(DeploymentRequest.DEFAULT_DRAFT_TOKENS)
                : r.draftTokenCount();
        return new Settled(r.with(r.acceleratorType(), r.acceleratorCount(), r.precision(), r.deploymentShape(),
                r.draftModel(), tokens, r.ngramSpeculationLength(), r.enableAddons(), r.maxContextLength()), model,
                draft);
    }
}
