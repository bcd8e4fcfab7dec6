package dev.ember.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** How long a commit's wake-up waits before the relay drains (ADR 33). */
class OutboxRelayPacingTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);
    private static final long MS = 1_000_000L;

    @Test
    void aCommitAfterAQuietIntervalDrainsAtOnce() {
        assertThat(OutboxRelay.wakeDelayMillis(0, 50 * MS, INTERVAL)).isEqualTo(1);
        assertThat(OutboxRelay.wakeDelayMillis(0, 10_000 * MS, INTERVAL)).isEqualTo(1);
        // The relay's first wake-up: no woken drain before it.
        long start = System.nanoTime();
        assertThat(OutboxRelay.wakeDelayMillis(start - Long.MAX_VALUE / 2, start, INTERVAL)).isEqualTo(1);
    }

    @Test
    void commitsDuringABusyIntervalWaitForItsEnd() {
        assertThat(OutboxRelay.wakeDelayMillis(0, 0, INTERVAL)).isEqualTo(50);
        assertThat(OutboxRelay.wakeDelayMillis(0, 12 * MS, INTERVAL)).isEqualTo(38);
        // A part of a millisecond left still waits for it, rounded up.
        assertThat(OutboxRelay.wakeDelayMillis(0, 49 * MS + 1, INTERVAL)).isEqualTo(1);
        assertThat(OutboxRelay.wakeDelayMillis(0, 48 * MS + 1, INTERVAL)).isEqualTo(2);
    }
}
