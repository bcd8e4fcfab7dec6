package dev.ember.controlplane.model.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A model as the API shows it, Fireworks' {@code gatewayModel}: a base model ({@code kind} HF_BASE_MODEL, with
 * {@code baseModelDetails}) or a LoRA addon (HF_PEFT_ADDON, with {@code peftDetails}). On input, output-only fields
 * (name, times, state, status, deployedModelRefs, importedFrom, fineTuningJob, cluster, calibrated, tunable,
 * supportsServerless) are ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Model(
        String name,
        String displayName,
        String description,
        Instant createTime,
        String state,
        Status status,
        String kind,
        String githubUrl,
        String huggingFaceUrl,
        BaseModelDetails baseModelDetails,
        PeftDetails peftDetails,
        @JsonProperty("public") Boolean isPublic,
        Integer contextLength,
        Boolean supportsImageInput,
        Boolean supportsTools,
        String importedFrom,
        String fineTuningJob,
        List<DeployedModelRef> deployedModelRefs,
        String cluster,
        Boolean calibrated,
        Boolean tunable,
        Boolean supportsLora,
        Instant updateTime,
        Boolean supportsServerless) {

    /** google.rpc.Status-like detail: what the model waits for, or why its last operation failed. */
    public record Status(String code, String message) {
    }

    /**
     * Fireworks' {@code gatewayBaseModelDetails}. {@code parameterCount} is an int64, which proto JSON writes as a
     * string; a number is accepted too. {@code huggingfaceFiles} is output-only: the files of the upload.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BaseModelDetails(
            Integer worldSize,
            String checkpointFormat,
            List<String> huggingfaceFiles,
            String parameterCount,
            Boolean moe,
            Boolean tunable,
            String modelType,
            Boolean supportsFireattention) {
    }

    /** Fireworks' {@code gatewayPEFTDetails}; {@code baseModelType} is output-only. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PeftDetails(
            String baseModel,
            Integer r,
            List<String> targetModules,
            String baseModelType,
            String mergeAddonModelName) {
    }

    /** Fireworks' {@code gatewayDeployedModelRef}: where the model is loaded; GET of one model shows them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeployedModelRef(
            String name,
            String deployment,
            String state,
            @JsonProperty("default") Boolean isDefault,
            @JsonProperty("public") Boolean isPublic) {
    }
}
