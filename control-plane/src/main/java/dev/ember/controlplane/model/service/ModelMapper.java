package dev.ember.controlplane.model.service;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.event.ModelSpec;
import dev.ember.controlplane.model.api.Model;
import dev.ember.controlplane.model.persistence.ModelEntity;

/** Entity to API record and to event payload; entities never leave the service layer. */
final class ModelMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelMapper() {
    }

    /** The model without what only a GET of one model shows (its files and where it is loaded). */
    static Model toApi(ModelEntity e, String baseModelType) {
        return toApi(e, baseModelType, null, null);
    }

    static Model toApi(ModelEntity e, String baseModelType, List<String> files, List<Model.DeployedModelRef> refs) {
        boolean addon = e.isAddon();
        Model.BaseModelDetails base = addon
                ? null
                : new Model.BaseModelDetails(e.worldSize, e.checkpointFormat, files,
                        Long.toString(e.parameterCount), e.moe, null, e.modelType, null);
        Model.PeftDetails peft = addon
                ? new Model.PeftDetails(e.peftBaseModel, e.loraRank, targetModules(e), baseModelType, null)
                : null;
        return new Model(e.name(), e.displayName, e.description == null ? "" : e.description, e.createTime, e.state,
                status(e), e.kind, e.githubUrl, e.huggingFaceUrl, base, peft, e.publicModel,
                e.contextLength > 0 ? e.contextLength : null, e.supportsImageInput, e.supportsTools, null, null,
                refs, null, null, null, e.supportsLora, e.updateTime, false);
    }

    static ModelSpec spec(ModelEntity e) {
        boolean profiled = !e.isAddon() && e.layers > 0;
        return new ModelSpec(e.name(), e.uid, e.kind, e.state, e.displayName, profiled ? e.profile() : null,
                e.peftBaseModel, e.loraRank, e.isAddon() ? targetModules(e) : null, e.contextLength, e.createTime,
                e.updateTime);
    }

    /** What the model waits for: uploading models tell the next step. */
    private static Model.Status status(ModelEntity e) {
        if (ModelEntity.UPLOADING.equals(e.state)) {
            return new Model.Status("OK", "waiting for its files: declare them with :getUploadEndpoint, PUT each to "
                    + "its signed URL, then call :validateUpload");
        }
        return new Model.Status("OK", "");
    }

    static List<String> targetModules(ModelEntity e) {
        if (e.targetModules == null || e.targetModules.isEmpty()) {
            return List.of();
        }
        try {
            return JSON.readValue(e.targetModules, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("bad target modules stored for " + e.name(), ex);
        }
    }

    static String targetModulesJson(List<String> modules) {
        try {
            return JSON.writeValueAsString(modules == null ? List.of() : modules);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot write target modules", ex);
        }
    }
}
