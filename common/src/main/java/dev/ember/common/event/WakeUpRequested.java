package dev.ember.common.event;

import java.time.Instant;

/** A request arrived for a deployment with no ready replica: the scheduler raises desired replicas to 1 at once. */
public record WakeUpRequested(String deployment, String instance, Instant time) {
}
