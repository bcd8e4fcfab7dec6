package dev.ember.common.event;

/** A model was created: a custom base model or a LoRA addon, UPLOADING until its files are validated. */
public record ModelCreated(ModelSpec model) {
}
