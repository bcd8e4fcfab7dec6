package dev.ember.controlplane.dataset.api;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A dataset as the API shows it, Fireworks' {@code gatewayDataset}: one uploaded JSONL file of training or inference
 * examples. {@code exampleCount}, {@code estimatedTokenCount} and {@code averageTurnCount} are counted when the upload
 * is validated; on input they are ignored, as are the other output-only fields (name, times, state, status,
 * createdBy, sourceJobName). {@code format} may be given (CHAT or COMPLETION) and is then enforced on every line;
 * otherwise the first line decides it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Dataset(
        String name,
        String displayName,
        Instant createTime,
        String state,
        Status status,
        String exampleCount,
        Map<String, Object> userUploaded,
        String format,
        String createdBy,
        Instant updateTime,
        String sourceJobName,
        String estimatedTokenCount,
        Float averageTurnCount) {

    /** google.rpc.Status-like detail: what the dataset waits for. */
    public record Status(String code, String message) {
    }
}
