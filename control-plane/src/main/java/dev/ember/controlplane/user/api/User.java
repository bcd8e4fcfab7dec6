package dev.ember.controlplane.user.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A user as Fireworks' {@code gatewayUser}. On input, output-only fields (name, state, createTime, updateTime) are
 * ignored. Roles are {@code admin}, {@code user} and {@code inference-user}; Fireworks' {@code contributor} and
 * {@code custom} (with {@code permissionPreset}) are refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record User(
        String name,
        String displayName,
        Boolean serviceAccount,
        Instant createTime,
        String role,
        String email,
        String state,
        Instant updateTime,
        String permissionPreset) {
}
