package dev.ember.scheduler.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "scheduler")
public interface SchedulerConfig {

    /** How often the reconciler compares desired and actual replicas even without events (level-based resync). */
    @WithDefault("PT0.5S")
    Duration reconcileInterval();

    /**
     * Within how much clock time the rolling resync (ADR 32) has read every row of the fleet again, a slice a tick:
     * the level-based safety net for writes the change numbers do not cover.
     */
    @WithDefault("PT5M")
    Duration fullResyncInterval();

    /** GPUs per node. */
    @WithDefault("8")
    int gpusPerNode();

    /** Bandwidth from the model store to a node, for DOWNLOADING_MODEL time. */
    @WithDefault("2000000000")
    long downloadBytesPerSecond();

    /** Host to GPU load rate per GPU, for INITIALIZING time. */
    @WithDefault("5000000000")
    long loadBytesPerSecondPerGpu();

    /** Fixed part of INITIALIZING: starting the model server process. */
    @WithDefault("PT2S")
    Duration serverStart();

    /** Concurrent requests one replica serves at full utilisation: the base of the "default" load target. */
    @WithDefault("32")
    double replicaConcurrency();

    /** A data plane's load report counts for this long after it arrived. */
    @WithDefault("PT30S")
    Duration loadReportTtl();

    /** How long a replica being removed keeps serving what it has in flight. */
    @WithDefault("PT5S")
    Duration drainTime();

    /** The capacity event is published when the pools change, at most this often. */
    @WithDefault("PT10S")
    Duration capacityReportInterval();

    /** A deployment with min replicas 0 and no traffic for this long is deleted (through the control plane). */
    @WithDefault("P7D")
    Duration deleteAfterIdle();

    /**
     * The most deployments one tick changes (ADR 28): once this many changed, the tick leaves the rest of what it would
     * decide to the next tick, which runs at once. Bounds a tick's writes and the time it holds the scheduler lock when
     * hundreds of deployments change together.
     */
    @WithDefault("100")
    int maxChangesPerTick();

    /** Region -> accelerator type -> number of nodes. */
    Map<String, Map<String, Integer>> inventory();
}
