package dev.ember.controlplane.model.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.model.api.CreateModelRequest;
import dev.ember.controlplane.model.api.Model;
import dev.ember.controlplane.model.persistence.ModelEntity;

/**
 * A create request after its fields are checked on their own (what needs the database, such as whether a LoRA's base
 * model exists, is the service's): every bad field is reported at once, each under its JSON path.
 */
record ModelRequest(
        String modelId,
        String kind,
        String displayName,
        String description,
        String githubUrl,
        String huggingFaceUrl,
        Integer contextLength,
        boolean supportsTools,
        boolean supportsImageInput,
        boolean supportsLora,
        long parameterCount,
        int worldSize,
        boolean moe,
        String modelType,
        ModelName peftBaseModel,
        Integer loraRank,
        List<String> targetModules) {

    /** Fireworks' ModelKind values; Ember creates the first two. */
    static final Set<String> KINDS = Set.of("HF_BASE_MODEL", "HF_PEFT_ADDON", "HF_TEFT_ADDON", "FLUMINA_BASE_MODEL",
            "FLUMINA_ADDON", "DRAFT_ADDON", "FIRE_AGENT", "LIVE_MERGE", "CUSTOM_MODEL", "EMBEDDING_MODEL",
            "SNAPSHOT_MODEL");
    static final int MIN_RANK = 4;
    static final int MAX_RANK = 64;
    static final long MAX_PARAMETERS = 10_000_000_000_000L;
    static final int MAX_CONTEXT_LENGTH = 10_000_000;
    static final int MAX_WORLD_SIZE = 8;
    static final int MAX_DISPLAY_NAME = 63;
    static final int MAX_DESCRIPTION = 999;
    static final int MAX_TARGET_MODULES = 64;
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_.]{1,128}");
    private static final Pattern MODEL_TYPE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    boolean isAddon() {
        return ModelEntity.HF_PEFT_ADDON.equals(kind);
    }

    static ModelRequest validate(CreateModelRequest body) {
        List<FieldViolation> v = new ArrayList<>();
        if (body == null) {
            throw InvalidArgumentException.field("body", "a body with modelId and model is required");
        }
        String modelId = body.modelId();
        if (modelId == null || modelId.isEmpty()) {
            v.add(new FieldViolation("modelId", "must not be empty"));
        } else if (!ResourceIds.isValid(modelId)) {
            v.add(new FieldViolation("modelId", "'" + modelId + "' is not a valid ID: use 1-63 characters of a-z, "
                    + "0-9 and '-', not starting or ending with '-'"));
        }
        if (body.cluster() != null && !body.cluster().isEmpty()) {
            v.add(new FieldViolation("cluster", "BYOC clusters are not supported; leave cluster empty"));
        }
        Model m = body.model();
        if (m == null) {
            v.add(new FieldViolation("model", "the model's properties are required (at least its kind and its "
                    + "baseModelDetails or peftDetails)"));
            throw InvalidArgumentException.fields(v);
        }
        String kind = m.kind() == null || m.kind().isEmpty() || m.kind().equals("KIND_UNSPECIFIED")
                ? ModelEntity.HF_PEFT_ADDON
                : m.kind();
        if (!KINDS.contains(kind)) {
            v.add(new FieldViolation("model.kind", "unknown kind '" + kind + "'; one of HF_BASE_MODEL, HF_PEFT_ADDON"));
        } else if (!kind.equals(ModelEntity.HF_BASE_MODEL) && !kind.equals(ModelEntity.HF_PEFT_ADDON)) {
            v.add(new FieldViolation("model.kind", kind + " models are not supported; use HF_BASE_MODEL (a base "
                    + "model) or HF_PEFT_ADDON (a LoRA addon)"));
        }
        text(v, "model.displayName", m.displayName(), MAX_DISPLAY_NAME);
        text(v, "model.description", m.description(), MAX_DESCRIPTION);
        url(v, "model.githubUrl", m.githubUrl());
        url(v, "model.huggingFaceUrl", m.huggingFaceUrl());
        if (Boolean.TRUE.equals(m.isPublic())) {
            v.add(new FieldViolation("model.public", "an account's models are private to it; public models are not "
                    + "supported"));
        }
        if (m.contextLength() != null && (m.contextLength() < 1 || m.contextLength() > MAX_CONTEXT_LENGTH)) {
            v.add(new FieldViolation("model.contextLength", "must be between 1 and " + MAX_CONTEXT_LENGTH + ", got "
                    + m.contextLength()));
        }

        long parameterCount = 0;
        int worldSize = 1;
        boolean moe = false;
        String modelType = null;
        ModelName peftBase = null;
        Integer rank = null;
        List<String> modules = List.of();
        boolean addon = kind.equals(ModelEntity.HF_PEFT_ADDON);
        boolean base = kind.equals(ModelEntity.HF_BASE_MODEL);
        if (base) {
            if (m.peftDetails() != null) {
                v.add(new FieldViolation("model.peftDetails", "must not be set for a base model (HF_BASE_MODEL)"));
            }
            Model.BaseModelDetails d = m.baseModelDetails();
            if (d == null) {
                v.add(new FieldViolation("model.baseModelDetails", "is required for a base model (HF_BASE_MODEL), "
                        + "with at least parameterCount"));
            } else {
                parameterCount = parameterCount(v, d.parameterCount());
                if (d.worldSize() != null) {
                    if (d.worldSize() < 1 || d.worldSize() > MAX_WORLD_SIZE) {
                        v.add(new FieldViolation("model.baseModelDetails.worldSize", "must be between 1 and "
                                + MAX_WORLD_SIZE + ", got " + d.worldSize()));
                    } else {
                        worldSize = d.worldSize();
                    }
                }
                if (d.checkpointFormat() != null && !d.checkpointFormat().equals("HUGGINGFACE")
                        && !d.checkpointFormat().equals("CHECKPOINT_FORMAT_UNSPECIFIED")) {
                    v.add(new FieldViolation("model.baseModelDetails.checkpointFormat", "only HUGGINGFACE "
                            + "checkpoints can be uploaded, got '" + d.checkpointFormat() + "'"));
                }
                moe = Boolean.TRUE.equals(d.moe());
                if (d.modelType() != null && !d.modelType().isEmpty()) {
                    if (!MODEL_TYPE.matcher(d.modelType()).matches()) {
                        v.add(new FieldViolation("model.baseModelDetails.modelType", "must be 1-64 letters, "
                                + "digits, '.', '_' or '-' (a Hugging Face model_type such as 'llama'), got '"
                                + d.modelType() + "'"));
                    } else {
                        modelType = d.modelType();
                    }
                }
            }
        } else if (addon) {
            if (m.baseModelDetails() != null) {
                v.add(new FieldViolation("model.baseModelDetails", "must not be set for a LoRA addon (HF_PEFT_ADDON)"));
            }
            if (Boolean.TRUE.equals(m.supportsLora())) {
                v.add(new FieldViolation("model.supportsLora", "a LoRA addon cannot take LoRA addons itself"));
            }
            Model.PeftDetails p = m.peftDetails();
            if (p == null) {
                v.add(new FieldViolation("model.peftDetails", "is required for a LoRA addon (HF_PEFT_ADDON), with "
                        + "baseModel and r"));
            } else {
                if (p.baseModel() == null || p.baseModel().isEmpty()) {
                    v.add(new FieldViolation("model.peftDetails.baseModel", "must name the base model the addon was "
                            + "trained on, e.g. accounts/fireworks/models/llama-v3p1-8b-instruct"));
                } else {
                    try {
                        peftBase = ModelName.parse("model.peftDetails.baseModel", p.baseModel());
                    } catch (InvalidArgumentException e) {
                        v.addAll(e.violations());
                    }
                }
                if (p.r() == null) {
                    v.add(new FieldViolation("model.peftDetails.r", "the rank of the update matrices is required ("
                            + MIN_RANK + " to " + MAX_RANK + ")"));
                } else if (p.r() < MIN_RANK || p.r() > MAX_RANK) {
                    v.add(new FieldViolation("model.peftDetails.r", "must be between " + MIN_RANK + " and " + MAX_RANK
                            + ", inclusive, got " + p.r()));
                } else {
                    rank = p.r();
                }
                modules = targetModules(v, p.targetModules());
                if (p.mergeAddonModelName() != null && !p.mergeAddonModelName().isEmpty()) {
                    v.add(new FieldViolation("model.peftDetails.mergeAddonModelName", "merging addons is not "
                            + "supported; leave it empty"));
                }
            }
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return new ModelRequest(modelId, kind, blankToNull(m.displayName()), m.description() == null
                ? ""
                : m.description(), blankToNull(m.githubUrl()), blankToNull(m.huggingFaceUrl()), m.contextLength(),
                Boolean.TRUE.equals(m.supportsTools()), Boolean.TRUE.equals(m.supportsImageInput()),
                base && !Boolean.FALSE.equals(m.supportsLora()), parameterCount, worldSize, moe, modelType, peftBase,
                rank, modules);
    }

    static void text(List<FieldViolation> v, String field, String value, int max) {
        if (value != null && value.length() > max) {
            v.add(new FieldViolation(field, "must be fewer than " + (max + 1) + " characters long, got "
                    + value.length()));
        }
    }

    static void url(List<FieldViolation> v, String field, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        try {
            URI uri = new URI(value);
            if (value.length() > 2048 || uri.getHost() == null
                    || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                v.add(new FieldViolation(field, "must be an http(s) URL of at most 2048 characters, got '" + value
                        + "'"));
            }
        } catch (URISyntaxException e) {
            v.add(new FieldViolation(field, "is not a URL: " + e.getMessage()));
        }
    }

    private static long parameterCount(List<FieldViolation> v, String value) {
        String field = "model.baseModelDetails.parameterCount";
        if (value == null || value.isEmpty()) {
            v.add(new FieldViolation(field, "the number of parameters is required (it sizes the GPUs a deployment "
                    + "needs), e.g. \"8030000000\""));
            return 0;
        }
        long count;
        try {
            count = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            v.add(new FieldViolation(field, "must be an integer, got '" + value + "'"));
            return 0;
        }
        if (count < 1 || count > MAX_PARAMETERS) {
            v.add(new FieldViolation(field, "must be between 1 and " + MAX_PARAMETERS + ", got " + count));
            return 0;
        }
        return count;
    }

    private static List<String> targetModules(List<FieldViolation> v, List<String> modules) {
        if (modules == null) {
            return List.of();
        }
        String field = "model.peftDetails.targetModules";
        if (modules.size() > MAX_TARGET_MODULES) {
            v.add(new FieldViolation(field, "at most " + MAX_TARGET_MODULES + " modules, got " + modules.size()));
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < modules.size(); i++) {
            String module = modules.get(i);
            if (module == null || !MODULE.matcher(module).matches()) {
                v.add(new FieldViolation(field + "[" + i + "]", "must be a module name such as 'q_proj' (letters, "
                        + "digits, '_' and '.'), got '" + module + "'"));
            } else if (!seen.add(module)) {
                v.add(new FieldViolation(field + "[" + i + "]", "'" + module + "' is listed twice"));
            }
        }
        return List.copyOf(modules);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
