package dev.ember.common.event;

import java.time.Instant;

/**
 * A data plane authenticated a request with this key at {@code usedAt}. A measurement, not state: each data-plane
 * instance sends at most one a minute per key, and the control plane keeps the newest as the key's {@code lastUsed}.
 */
public record ApiKeyUsed(String name, Instant usedAt) {
}
