package dev.ember.common.event;

import java.time.Instant;

/**
 * A deployment was deleted (soft: it can be undeleted until {@code purgeTime}; hard: {@code purgeTime} equals
 * {@code deleteTime}). Its replicas go away and it serves no more requests.
 */
public record DeploymentDeleted(String name, String uid, Instant deleteTime, Instant purgeTime, String reason) {
}
