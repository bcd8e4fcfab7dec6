package dev.ember.dataplane.routing;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ember.common.event.DeployedModelSpec;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.dataplane.engine.PerformanceModel;
import dev.ember.dataplane.engine.ReplicaEngine;
import dev.ember.dataplane.engine.SpeculativeDecoding;

/**
 * Deployments and their replicas as the events describe them. Level-based: each replica keeps its newest state (by
 * sequence), so redelivered or reordered copies change nothing.
 */
@ApplicationScoped
public class RoutingTable {

    public static final String READY = "READY";
    public static final String TERMINATED = "TERMINATED";
    public static final String DEPLOYED = "DEPLOYED";

    /** A replica, the requests it is serving now, and its simulated engine. */
    public static final class Replica {

        private volatile ReplicaUpdated state;
        private final AtomicInteger outstanding = new AtomicInteger();
        private volatile ReplicaEngine engine;

        Replica(ReplicaUpdated state) {
            this.state = state;
        }

        public ReplicaUpdated state() {
            return state;
        }

        public int outstanding() {
            return outstanding.get();
        }

        /**
         * The engine simulating this replica on the hardware it was placed on, made on first use. Each data-plane
         * instance simulates the share of the replica's batch that it sends.
         */
        public ReplicaEngine engine(DeploymentSpec deployment) {
            ReplicaEngine e = engine;
            if (e == null) {
                synchronized (this) {
                    if (engine == null) {
                        Precision precision = Precision.find(deployment.precision()).orElse(Precision.FP16);
                        engine = new ReplicaEngine(new PerformanceModel(deployment.model(),
                                AcceleratorType.find(state.acceleratorType()).orElseThrow(),
                                state.acceleratorCount(), precision, SpeculativeDecoding.of(deployment, precision)));
                    }
                    e = engine;
                }
            }
            return e;
        }

        /** The engine when a request has made it; empty before the first request (nothing runs then). */
        public Optional<ReplicaEngine> startedEngine() {
            return Optional.ofNullable(engine);
        }

        /** Counts a request until the returned release is run (once). */
        public Runnable acquire() {
            outstanding.incrementAndGet();
            return outstanding::decrementAndGet;
        }
    }

    private final Map<String, DeploymentSpec> deployments = new ConcurrentHashMap<>();
    /** LoRA addons loaded onto deployments, by deployed model name; the newest generation of each. */
    private final Map<String, DeployedModelSpec> deployedModels = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Replica>> replicas = new ConcurrentHashMap<>();

    public void deployment(DeploymentSpec spec) {
        deployments.merge(spec.name(), spec, (old, neu) -> neu.generation() >= old.generation() ? neu : old);
    }

    /** A deleted deployment is no longer routed to (its name answers 404). */
    public void deleted(String name, String uid) {
        deployments.computeIfPresent(name, (n, spec) -> spec.uid().equals(uid) ? null : spec);
    }

    public void replica(ReplicaUpdated update) {
        Map<String, Replica> ofDeployment = replicas.computeIfAbsent(update.deployment(),
                d -> new ConcurrentHashMap<>());
        ofDeployment.compute(update.name(), (name, current) -> {
            if (current == null) {
                return TERMINATED.equals(update.state()) ? null : new Replica(update);
            }
            if (update.sequence() <= current.state.sequence()) {
                return current;
            }
            if (TERMINATED.equals(update.state())) {
                return null;
            }
            current.state = update;
            return current;
        });
    }

    public void deployedModel(DeployedModelSpec spec) {
        deployedModels.merge(spec.name(), spec, (old, neu) -> !neu.uid().equals(old.uid())
                || neu.generation() >= old.generation() ? neu : old);
    }

    /** An unloaded LoRA addon is no longer routed to. */
    public void deployedModelDeleted(String name, String uid) {
        deployedModels.computeIfPresent(name, (n, spec) -> spec.uid().equals(uid) ? null : spec);
    }

    /**
     * The deployment serving LoRA addon {@code model}: where it is DEPLOYED, on {@code deployment} if that is given,
     * otherwise its default target (or, while the control plane moves the default, another one it is DEPLOYED on).
     * Only deployments this table knows, with the uid the addon was loaded onto, count.
     */
    public Optional<DeploymentSpec> loraDeployment(String model, String deployment) {
        return deployedModels.values().stream()
                .filter(d -> d.model().equals(model) && DEPLOYED.equals(d.state())
                        && (deployment == null || d.deployment().equals(deployment)))
                .filter(d -> deployment(d.deployment()).filter(s -> s.uid().equals(d.deploymentUid())).isPresent())
                .sorted(Comparator.comparing((DeployedModelSpec d) -> !d.defaultTarget())
                        .thenComparing(DeployedModelSpec::name))
                .findFirst()
                .flatMap(d -> deployment(d.deployment()));
    }

    /** A deployed model by its name ({@code accounts/a/deployedModels/x}), when DEPLOYED. */
    public Optional<DeployedModelSpec> deployedModel(String name) {
        return Optional.ofNullable(deployedModels.get(name)).filter(d -> DEPLOYED.equals(d.state()));
    }

    /** The LoRA addons DEPLOYED somewhere, each once. */
    public Collection<DeployedModelSpec> deployedModels() {
        return deployedModels.values().stream().filter(d -> DEPLOYED.equals(d.state())).toList();
    }

    public Optional<DeploymentSpec> deployment(String name) {
        return Optional.ofNullable(deployments.get(name));
    }

    public Collection<DeploymentSpec> deployments() {
        return deployments.values();
    }

    /** Every replica known and not terminated, in any state. */
    public List<Replica> replicas() {
        return replicas.values().stream().flatMap(r -> r.values().stream()).toList();
    }

    /** The ready replica of the deployment with the fewest requests in flight. */
    public Optional<Replica> leastLoadedReady(DeploymentSpec deployment) {
        return ready(deployment).min(Comparator.comparingInt(Replica::outstanding));
    }

    /**
     * The replica to serve a request: with a session key, the ready replica the key hashes to (rendezvous hashing:
     * the replica with the highest hash of key and replica name, so a key stays on its replica while that replica is
     * ready and only the keys of a replica that goes away move); without one, the least loaded ready replica.
     */
    public Optional<Replica> pick(DeploymentSpec deployment, String sessionKey) {
        if (sessionKey == null) {
            return leastLoadedReady(deployment);
        }
        return ready(deployment).max(Comparator.comparingLong((Replica r) -> affinity(sessionKey, r.state.name()))
                .thenComparing(r -> r.state.name()));
    }

    private Stream<Replica> ready(DeploymentSpec deployment) {
        return replicas.getOrDefault(deployment.name(), Map.of()).values().stream()
                .filter(r -> READY.equals(r.state.state()) && r.state.deploymentUid().equals(deployment.uid()));
    }

    /**
     * FNV-1a over the key and the replica's name, finished with SplitMix64's mixer so every bit counts: the score of
     * rendezvous hashing, also used for the upstream servers of a proxied deployment.
     */
    public static long affinity(String key, String replica) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (key + '\n' + replica).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
