package dev.ember.common.event;

import java.time.Instant;

/** A deployed model is gone: its LoRA addon is no longer loaded on {@code deployment}. */
public record DeployedModelDeleted(String name, String uid, String model, String deployment, Instant deleteTime,
        String reason) {
}
