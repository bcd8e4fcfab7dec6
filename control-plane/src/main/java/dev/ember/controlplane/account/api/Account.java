package dev.ember.controlplane.account.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record Account(
        String name,
        String displayName,
        Instant createTime,
        String accountType,
        String email,
        String state,
        Instant updateTime) {
}
