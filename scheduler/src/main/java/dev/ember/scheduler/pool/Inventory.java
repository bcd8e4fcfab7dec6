package dev.ember.scheduler.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Region;
import dev.ember.scheduler.config.SchedulerConfig;
import dev.ember.scheduler.persistence.FleetTables;
import dev.ember.scheduler.persistence.NodeEntity;
import dev.ember.scheduler.persistence.SchedulerLock;
import dev.ember.scheduler.persistence.SchedulerRepositories;

/**
 * Loads the configured GPU nodes into the scheduler's table at startup. A node no longer configured is retired: it
 * takes no new replica and leaves the capacity figures, and the replicas on it run until they end.
 */
@ApplicationScoped
public class Inventory {

    private static final Logger LOG = Logger.getLogger(Inventory.class);

    @Inject
    SchedulerConfig config;

    @Inject
    SchedulerRepositories.Nodes nodes;

    @Inject
    SchedulerLock lock;

    @Inject
    FleetTables tables;

    void onStart(@Observes StartupEvent ignored) throws Throwable {
        List<NodeEntity> configured = configuredNodes(config);
        Set<String> ids = configured.stream().map(n -> n.nodeId).collect(Collectors.toSet());
        // Under the scheduler lock, and a reconciler holding the fleet in memory loads it again with these nodes.
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> lock.acquire()
                .chain(tables::invalidate)
                .chain(() -> Multi.createFrom().iterable(configured)
                        .onItem().transformToUniAndConcatenate(n -> nodes.findById(n.nodeId)
                                .chain(existing -> {
                                    if (existing == null) {
                                        return nodes.persist(n).replaceWithVoid();
                                    }
                                    existing.gpus = n.gpus;
                                    existing.retired = false;
                                    return Uni.createFrom().voidItem();
                                }))
                        .collect().last()
                        // Nodes no longer configured take no new replicas; replicas already there run until they end.
                        .chain(() -> nodes.listAll())
                        .invoke(all -> all.stream().filter(n -> !ids.contains(n.nodeId) && !n.retired).forEach(n -> {
                            n.retired = true;
                            LOG.infof("Node %s is no longer in the inventory: retired", n.nodeId);
                        })))));
        LOG.infof("GPU inventory: %d nodes", configured.size());
    }

    /** Nodes named {@code <region>-<type>-<n>} in lower case, e.g. {@code us-iowa-1-nvidia-h100-80gb-0}. */
    static List<NodeEntity> configuredNodes(SchedulerConfig config) {
        List<NodeEntity> result = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> region : config.inventory().entrySet()) {
            if (Region.find(region.getKey()).isEmpty()) {
                throw new IllegalArgumentException("scheduler.inventory: unknown region '" + region.getKey()
                        + "'; one of " + Region.names());
            }
            for (Map.Entry<String, Integer> type : region.getValue().entrySet()) {
                if (AcceleratorType.find(type.getKey()).isEmpty()) {
                    throw new IllegalArgumentException("scheduler.inventory." + region.getKey()
                            + ": unknown accelerator type '" + type.getKey() + "'; one of " + AcceleratorType.names());
                }
                for (int i = 0; i < type.getValue(); i++) {
                    NodeEntity n = new NodeEntity();
                    n.nodeId = (region.getKey() + "-" + type.getKey() + "-" + i).toLowerCase(Locale.ROOT)
                            .replace('_', '-');
                    n.region = region.getKey();
                    n.acceleratorType = type.getKey();
                    n.gpus = config.gpusPerNode();
                    result.add(n);
                }
            }
        }
        return result;
    }
}
