package dev.ember.controlplane.model.service;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.controlplane.model.api.Model;
import dev.ember.controlplane.model.persistence.ModelEntity;

/**
 * Which fields an update changes. The descriptive fields (displayName, description, githubUrl, huggingFaceUrl,
 * supportsTools, supportsImageInput) may change; what the model is (kind, baseModelDetails, peftDetails,
 * contextLength, supportsLora, public) may not: sending those unchanged is fine (a client may send back what it
 * read), changing them is refused. Without {@code updateMask}, the mutable fields present in the body change; with
 * it, exactly the named ones do (a named field absent from the body is cleared).
 */
final class ModelPatch {

    static final Set<String> MUTABLE = Set.of("displayName", "description", "githubUrl", "huggingFaceUrl",
            "supportsTools", "supportsImageInput");
    static final Set<String> IMMUTABLE = Set.of("kind", "baseModelDetails", "peftDetails", "contextLength",
            "supportsLora", "public");
    private static final Map<String, String> SNAKE = Map.of("display_name", "displayName", "github_url", "githubUrl",
            "hugging_face_url", "huggingFaceUrl", "supports_tools", "supportsTools", "supports_image_input",
            "supportsImageInput", "base_model_details", "baseModelDetails", "peft_details", "peftDetails",
            "context_length", "contextLength", "supports_lora", "supportsLora");

    private final Set<String> paths;
    private final Model body;

    private ModelPatch(Set<String> paths, Model body) {
        this.paths = paths;
        this.body = body;
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }

    static ModelPatch of(Model current, Model body, String updateMask) {
        List<FieldViolation> v = new ArrayList<>();
        Set<String> paths = new LinkedHashSet<>();
        if (updateMask != null && !updateMask.isBlank()) {
            for (String raw : updateMask.split(",")) {
                String path = SNAKE.getOrDefault(raw.trim(), raw.trim());
                if (MUTABLE.contains(path)) {
                    paths.add(path);
                } else if (IMMUTABLE.contains(path)) {
                    v.add(new FieldViolation("updateMask", "'" + path + "' is immutable after create"));
                } else {
                    v.add(new FieldViolation("updateMask", "unknown or output-only field '" + raw.trim()
                            + "'; updatable: " + MUTABLE.stream().sorted().toList()));
                }
            }
        } else {
            addIfSet(paths, "displayName", body.displayName());
            addIfSet(paths, "description", body.description());
            addIfSet(paths, "githubUrl", body.githubUrl());
            addIfSet(paths, "huggingFaceUrl", body.huggingFaceUrl());
            addIfSet(paths, "supportsTools", body.supportsTools());
            addIfSet(paths, "supportsImageInput", body.supportsImageInput());
        }
        checkUnchanged(v, current, body);
        if (paths.contains("displayName")) {
            ModelRequest.text(v, "displayName", body.displayName(), ModelRequest.MAX_DISPLAY_NAME);
        }
        if (paths.contains("description")) {
            ModelRequest.text(v, "description", body.description(), ModelRequest.MAX_DESCRIPTION);
        }
        if (paths.contains("githubUrl")) {
            ModelRequest.url(v, "githubUrl", body.githubUrl());
        }
        if (paths.contains("huggingFaceUrl")) {
            ModelRequest.url(v, "huggingFaceUrl", body.huggingFaceUrl());
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return new ModelPatch(paths, body);
    }

    void applyTo(ModelEntity e) {
        for (String path : paths) {
            switch (path) {
                case "displayName" -> e.displayName = blank(body.displayName()) ? e.modelId : body.displayName();
                case "description" -> e.description = body.description() == null ? "" : body.description();
                case "githubUrl" -> e.githubUrl = blank(body.githubUrl()) ? null : body.githubUrl();
                case "huggingFaceUrl" -> e.huggingFaceUrl = blank(body.huggingFaceUrl()) ? null : body.huggingFaceUrl();
                case "supportsTools" -> e.supportsTools = Boolean.TRUE.equals(body.supportsTools());
                case "supportsImageInput" -> e.supportsImageInput = Boolean.TRUE.equals(body.supportsImageInput());
                default -> throw new IllegalStateException("not updatable: " + path);
            }
        }
    }

    /** Immutable fields may be sent, but only with the values they have. */
    private static void checkUnchanged(List<FieldViolation> v, Model current, Model body) {
        differs(v, "kind", body.kind(), current.kind());
        differs(v, "contextLength", body.contextLength(), current.contextLength());
        differs(v, "supportsLora", body.supportsLora(), current.supportsLora());
        if (Boolean.TRUE.equals(body.isPublic()) && !Boolean.TRUE.equals(current.isPublic())) {
            v.add(new FieldViolation("public", "an account's models are private to it; public models are not "
                    + "supported"));
        }
        Model.BaseModelDetails b = body.baseModelDetails();
        if (b != null) {
            Model.BaseModelDetails c = current.baseModelDetails();
            if (c == null) {
                v.add(new FieldViolation("baseModelDetails", "must not be set for a LoRA addon"));
            } else {
                differs(v, "baseModelDetails.parameterCount", b.parameterCount(), c.parameterCount());
                differs(v, "baseModelDetails.worldSize", b.worldSize(), c.worldSize());
                differs(v, "baseModelDetails.moe", b.moe(), c.moe());
                differs(v, "baseModelDetails.modelType", b.modelType(), c.modelType());
                differs(v, "baseModelDetails.checkpointFormat", b.checkpointFormat(), c.checkpointFormat());
            }
        }
        Model.PeftDetails p = body.peftDetails();
        if (p != null) {
            Model.PeftDetails c = current.peftDetails();
            if (c == null) {
                v.add(new FieldViolation("peftDetails", "must not be set for a base model"));
            } else {
                differs(v, "peftDetails.baseModel", p.baseModel(), c.baseModel());
                differs(v, "peftDetails.r", p.r(), c.r());
                if (p.targetModules() != null
                        && !new HashSet<>(p.targetModules()).equals(new HashSet<>(c.targetModules()))) {
                    v.add(new FieldViolation("peftDetails.targetModules", "is immutable after create (is "
                            + c.targetModules() + ")"));
                }
            }
        }
    }

    private static void differs(List<FieldViolation> v, String field, Object sent, Object current) {
        if (sent != null && !Objects.equals(sent, current)) {
            v.add(new FieldViolation(field, "is immutable after create (is " + (current == null
                    ? "unset"
                    : "'" + current + "'") + ", got '" + sent + "')"));
        }
    }

    private static void addIfSet(Set<String> paths, String path, Object value) {
        if (value != null) {
            paths.add(path);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
