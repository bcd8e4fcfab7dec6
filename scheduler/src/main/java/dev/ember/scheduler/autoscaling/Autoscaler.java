package dev.ember.scheduler.autoscaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.ember.common.event.ScalingSchedule;

/**
 * Decides a deployment's desired replicas from its load, its bounds and its autoscaling policy. Pure: the reconciler
 * feeds it the stored state and the clock, and stores what it returns.
 *
 * <ul>
 * <li>Each load target asks for {@code ceil(load / target)} replicas; the largest ask wins. {@code default} is a
 * utilisation fraction of one replica's concurrency.</li>
 * <li>Up: after the ask stayed above desired for {@code scaleUpWindow}. Down: after it stayed below for
 * {@code scaleDownWindow}. Never below max(min, 1) while there was traffic within {@code scaleToZeroWindow}.</li>
 * <li>To zero: only with min 0, once no request arrived for {@code scaleToZeroWindow}; from zero: at once when a
 * request arrives (a wake-up counts as a request).</li>
 * <li>Scaling schedules: while a schedule's window is open the minimum is the highest open schedule's
 * {@code minReplicaCount} (within max), applied at once.</li>
 * </ul>
 */
public final class Autoscaler {

    public static final String DEFAULT = "default";
    public static final String CONCURRENT_REQUESTS = "concurrent_requests";
    public static final String REQUESTS_PER_SECOND = "requests_per_second";
    public static final String PROMPT_TOKENS_PER_SECOND = "prompt_tokens_per_second";
    public static final String GENERATED_TOKENS_PER_SECOND = "generated_tokens_per_second";

    /** Load summed over every data-plane instance. */
    public record Load(double requestsPerSecond, double concurrentRequests, double promptTokensPerSecond,
            double generatedTokensPerSecond) {

        public static final Load NONE = new Load(0, 0, 0, 0);

        public Load plus(Load other) {
            return new Load(requestsPerSecond + other.requestsPerSecond, concurrentRequests
                    + other.concurrentRequests, promptTokensPerSecond + other.promptTokensPerSecond,
                    generatedTokensPerSecond + other.generatedTokensPerSecond);
        }
    }

    public record Policy(int minReplicas, int maxReplicas, Duration scaleUpWindow, Duration scaleDownWindow,
            Duration scaleToZeroWindow, Map<String, Double> loadTargets, Map<String, ScalingSchedule> schedules) {

        public Policy(int minReplicas, int maxReplicas, Duration scaleUpWindow, Duration scaleDownWindow,
                Duration scaleToZeroWindow, Map<String, Double> loadTargets) {
            this(minReplicas, maxReplicas, scaleUpWindow, scaleDownWindow, scaleToZeroWindow, loadTargets, Map.of());
        }
    }

    /** What is stored between ticks. */
    public record State(int desired, Instant lastRequestTime, Instant aboveSince, Instant belowSince) {
    }

    /** The new state, and why desired changed (empty when it did not). */
    public record Decision(State state, String reason) {

        public boolean changed(State before) {
            return state.desired() != before.desired();
        }
    }

    private final double replicaConcurrency;

    /** {@code replicaConcurrency}: concurrent requests one replica serves at full utilisation. */
    public Autoscaler(double replicaConcurrency) {
        this.replicaConcurrency = replicaConcurrency;
    }

    public Decision decide(Policy policy, State state, Load load, Instant now) {
        boolean idle = state.lastRequestTime() == null
                || !now.isBefore(state.lastRequestTime().plus(policy.scaleToZeroWindow()));
        int scheduled = Math.min(ScalingSchedule.activeMinimum(policy.schedules(), now), policy.maxReplicas());
        int min = Math.max(policy.minReplicas(), scheduled);
        int floor = policy.maxReplicas() == 0
                ? 0
                : min == 0 && idle ? 0 : Math.max(min, 1);
        int target = Math.max(floor, Math.min(recommended(policy.loadTargets(), load), policy.maxReplicas()));
        int desired = state.desired();

        if (target > desired) {
            if (scheduled > desired && scheduled > policy.minReplicas()) {
                return decision(target, state, null, null,
                        "a scaling schedule raises the minimum to " + scheduled + " replica(s)");
            }
            if (min > desired) {
                return decision(target, state, null, null, "the minimum is " + min + " replica(s)");
            }
            if (desired == 0) {
                return decision(target, state, null, null, "a request arrived while scaled to zero");
            }
            Instant above = state.aboveSince() == null ? now : state.aboveSince();
            if (!now.isBefore(above.plus(policy.scaleUpWindow()))) {
                return decision(target, state, null, null,
                        "load above target for " + seconds(policy.scaleUpWindow()));
            }
            return new Decision(new State(desired, state.lastRequestTime(), above, null), "");
        }
        if (target < desired) {
            if (target == 0) {
                return decision(0, state, null, null,
                        "no traffic for " + seconds(policy.scaleToZeroWindow()) + ": scaled to zero");
            }
            Instant below = state.belowSince() == null ? now : state.belowSince();
            if (!now.isBefore(below.plus(policy.scaleDownWindow()))) {
                return decision(target, state, null, null,
                        "load below target for " + seconds(policy.scaleDownWindow()));
            }
            return new Decision(new State(desired, state.lastRequestTime(), null, below), "");
        }
        return new Decision(new State(desired, state.lastRequestTime(), null, null), "");
    }

    /** The largest replica count any load target asks for. */
    int recommended(Map<String, Double> targets, Load load) {
        double needed = 0;
        for (Map.Entry<String, Double> t : targets.entrySet()) {
            double value = t.getValue();
            double ask = switch (t.getKey()) {
                case DEFAULT -> load.concurrentRequests() / (replicaConcurrency * value);
                case CONCURRENT_REQUESTS -> load.concurrentRequests() / value;
                case REQUESTS_PER_SECOND -> load.requestsPerSecond() / value;
                case PROMPT_TOKENS_PER_SECOND -> load.promptTokensPerSecond() / value;
                case GENERATED_TOKENS_PER_SECOND -> load.generatedTokensPerSecond() / value;
                default -> 0;
            };
            needed = Math.max(needed, ask);
        }
        return (int) Math.ceil(needed - 1e-9);
    }

    private static Decision decision(int desired, State state, Instant above, Instant below, String reason) {
        return new Decision(new State(desired, state.lastRequestTime(), above, below), reason);
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }
}
