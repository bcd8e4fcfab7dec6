package dev.ember.common.event;

import java.time.Instant;
import java.util.List;

/**
 * A model as the control plane stores it, carried whole by the model events. {@code kind} is Fireworks'
 * {@code ModelKind} (HF_BASE_MODEL, HF_PEFT_ADDON); {@code state} UPLOADING or READY. A base model has a
 * {@code profile} (null while its files are uploading, since its shape comes from its config.json); a LoRA addon has
 * {@code baseModel}, {@code loraRank} and {@code targetModules} instead.
 */
public record ModelSpec(
        String name,
        String uid,
        String kind,
        String state,
        String displayName,
        ModelProfile profile,
        String baseModel,
        Integer loraRank,
        List<String> targetModules,
        int contextLength,
        Instant createTime,
        Instant updateTime) {
}
