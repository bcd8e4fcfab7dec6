package dev.ember.scheduler.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ember.common.event.ScalingSchedule;
import dev.ember.scheduler.autoscaling.Autoscaler.Decision;
import dev.ember.scheduler.autoscaling.Autoscaler.Load;
import dev.ember.scheduler.autoscaling.Autoscaler.Policy;
import dev.ember.scheduler.autoscaling.Autoscaler.State;

class AutoscalerTest {

    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    static final Autoscaler AUTOSCALER = new Autoscaler(32);

    static Policy policy(int min, int max) {
        return new Policy(min, max, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1),
                Map.of(Autoscaler.DEFAULT, 0.8));
    }

    static Load concurrent(double c) {
        return new Load(0, c, 0, 0);
    }

    @Test
    void anIdleDeploymentWithMinZeroScalesToZeroAfterOneHourNotBefore() {
        State ready = new State(1, T0, null, null);

        Decision at59 = AUTOSCALER.decide(policy(0, 1), ready, Load.NONE, T0.plus(Duration.ofMinutes(59)));
        assertThat(at59.state().desired()).isEqualTo(1);

        Decision at60 = AUTOSCALER.decide(policy(0, 1), ready, Load.NONE, T0.plus(Duration.ofHours(1)));
        assertThat(at60.state().desired()).isZero();
        assertThat(at60.reason()).isEqualTo("no traffic for 3600s: scaled to zero");
    }

    @Test
    void minOneNeverScalesToZero() {
        State ready = new State(1, T0, null, null);
        assertThat(AUTOSCALER.decide(policy(1, 3), ready, Load.NONE, T0.plus(Duration.ofDays(30))).state()
                .desired()).isEqualTo(1);
    }

    @Test
    void aRequestWakesAScaledToZeroDeploymentAtOnce() {
        Instant later = T0.plus(Duration.ofHours(5));
        State zero = new State(0, later, null, null);
        Decision woken = AUTOSCALER.decide(policy(0, 2), zero, Load.NONE, later);
        assertThat(woken.state().desired()).isEqualTo(1);
        assertThat(woken.reason()).isEqualTo("a request arrived while scaled to zero");
    }

    @Test
    void loadAboveTargetScalesUpOnlyAfterTheScaleUpWindow() {
        State one = new State(1, T0, null, null);
        // 100 concurrent requests at 80% of 32 per replica need 4 replicas; max is 3.
        Decision first = AUTOSCALER.decide(policy(0, 3), one, concurrent(100), T0);
        assertThat(first.state().desired()).isEqualTo(1);
        assertThat(first.state().aboveSince()).isEqualTo(T0);

        Decision at29 = AUTOSCALER.decide(policy(0, 3), first.state(), concurrent(100), T0.plusSeconds(29));
        assertThat(at29.state().desired()).isEqualTo(1);

        Decision at30 = AUTOSCALER.decide(policy(0, 3), at29.state(), concurrent(100), T0.plusSeconds(30));
        assertThat(at30.state().desired()).isEqualTo(3);
        assertThat(at30.reason()).isEqualTo("load above target for 30s");
    }

    @Test
    void aDipInLoadResetsTheScaleUpWindow() {
        State one = new State(1, T0, null, null);
        State above = AUTOSCALER.decide(policy(0, 3), one, concurrent(100), T0).state();
        State dipped = AUTOSCALER.decide(policy(0, 3), above, concurrent(10), T0.plusSeconds(20)).state();
        assertThat(dipped.aboveSince()).isNull();
        assertThat(AUTOSCALER.decide(policy(0, 3), dipped, concurrent(100), T0.plusSeconds(35)).state().desired())
                .isEqualTo(1);
    }

    @Test
    void loadBelowTargetScalesDownAfterTheScaleDownWindowButNotBelowOneWhileInUse() {
        State three = new State(3, T0, null, null);
        State below = AUTOSCALER.decide(policy(0, 3), three, concurrent(5), T0).state();
        assertThat(below.desired()).isEqualTo(3);
        assertThat(AUTOSCALER.decide(policy(0, 3), below, concurrent(5), T0.plus(Duration.ofMinutes(9))).state()
                .desired()).isEqualTo(3);
        Decision down = AUTOSCALER.decide(policy(0, 3), below, concurrent(5), T0.plus(Duration.ofMinutes(10)));
        assertThat(down.state().desired()).isEqualTo(1);
        assertThat(down.reason()).isEqualTo("load below target for 600s");
    }

    @Test
    void severalTargetsTheLargestAskWins() {
        Map<String, Double> targets = Map.of(Autoscaler.CONCURRENT_REQUESTS, 10.0, Autoscaler.REQUESTS_PER_SECOND,
                2.0, Autoscaler.GENERATED_TOKENS_PER_SECOND, 1000.0);
        assertThat(AUTOSCALER.recommended(targets, new Load(9, 15, 0, 500))).isEqualTo(5);
        assertThat(AUTOSCALER.recommended(targets, new Load(1, 15, 0, 6500))).isEqualTo(7);
        assertThat(AUTOSCALER.recommended(targets, Load.NONE)).isZero();
    }

    @Test
    void maxZeroMeansZero() {
        assertThat(AUTOSCALER.decide(policy(0, 0), new State(1, T0, null, null), concurrent(50), T0).state()
                .desired()).isZero();
    }

    static Policy withSchedule(int min, int max, ScalingSchedule schedule) {
        return new Policy(min, max, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1),
                Map.of(Autoscaler.DEFAULT, 0.8), Map.of("business-hours", schedule));
    }

    @Test
    void aScalingScheduleRaisesTheMinimumAtOnceWhileItsWindowIsOpen() {
        // Monday 2026-01-05, 09:00 to 19:00 UTC.
        ScalingSchedule weekdays = new ScalingSchedule("0 9 * * Mon-Fri", "UTC", Duration.ofHours(10), 3, "", false);
        State one = new State(1, T0, null, null);

        Decision before = AUTOSCALER.decide(withSchedule(0, 5, weekdays), one, Load.NONE, T0.minusSeconds(60));
        assertThat(before.state().desired()).isEqualTo(1);

        Decision open = AUTOSCALER.decide(withSchedule(0, 5, weekdays), one, Load.NONE, T0);
        assertThat(open.state().desired()).isEqualTo(3);
        assertThat(open.reason()).isEqualTo("a scaling schedule raises the minimum to 3 replica(s)");

        // Past the window, the idle deployment goes back down: to zero once it has been idle for the hour.
        State three = new State(3, T0, null, null);
        Decision closed = AUTOSCALER.decide(withSchedule(0, 5, weekdays), three, Load.NONE,
                T0.plus(Duration.ofHours(10)));
        assertThat(closed.state().desired()).isZero();
    }

    @Test
    void aScheduleNeverGoesAboveMaxAndDisabledOrOverlappingSchedulesFollowMaxWins() {
        ScalingSchedule big = new ScalingSchedule("0 9 * * *", "UTC", Duration.ofHours(1), 8, "", false);
        State one = new State(1, T0, null, null);
        assertThat(AUTOSCALER.decide(withSchedule(1, 4, big), one, Load.NONE, T0).state().desired()).isEqualTo(4);

        ScalingSchedule off = new ScalingSchedule("0 9 * * *", "UTC", Duration.ofHours(1), 3, "", true);
        assertThat(AUTOSCALER.decide(withSchedule(1, 4, off), one, Load.NONE, T0).state().desired()).isEqualTo(1);

        ScalingSchedule two = new ScalingSchedule("0 8 * * *", "UTC", Duration.ofHours(2), 2, "", false);
        ScalingSchedule three = new ScalingSchedule("30 8 * * *", "UTC", Duration.ofHours(2), 3, "", false);
        Policy both = new Policy(1, 5, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1),
                Map.of(Autoscaler.DEFAULT, 0.8), Map.of("two", two, "three", three));
        assertThat(AUTOSCALER.decide(both, one, Load.NONE, T0).state().desired()).isEqualTo(3);
    }
}
