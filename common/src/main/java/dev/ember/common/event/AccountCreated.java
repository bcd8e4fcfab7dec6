package dev.ember.common.event;

import java.time.Instant;

public record AccountCreated(String name, String displayName, String accountType, Instant createTime) {
}
