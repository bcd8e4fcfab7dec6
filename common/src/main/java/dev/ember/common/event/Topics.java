package dev.ember.common.event;

import java.util.List;

/** Kafka topics shared by the services. Resource-state topics are compacted: a new consumer rebuilds from them. */
public final class Topics {

    /** Control-plane facts: accounts, API keys, models, deployments. Keyed by resource name. */
    public static final String RESOURCES = "ember.resources";
    /** Scheduler facts: replica lifecycle and deployment status. Keyed by replica or deployment name. */
    public static final String REPLICAS = "ember.replicas";
    /** Data-plane load reports and wake-up signals. */
    public static final String LOAD = "ember.load";
    /** Token and GPU-second usage. */
    public static final String USAGE = "ember.usage";
    /** Jobs on the GPU pool: the control plane's commands and the scheduler's progress reports. Keyed by job name. */
    public static final String JOBS = "ember.jobs";

    public record Topic(String name, boolean compacted) {
    }

    public static final List<Topic> ALL = List.of(
            new Topic(RESOURCES, true),
            new Topic(REPLICAS, true),
            new Topic(LOAD, false),
            new Topic(USAGE, false),
            new Topic(JOBS, false));

    private Topics() {
    }
}
