package dev.ember.dataplane.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.ember.common.event.Topics;

/**
 * Tells when the routing table and key cache hold everything published before this instance started: the end
 * offsets of the state topics are read at startup, and the consumers report what they have applied. Until then the
 * data plane is not ready and inference answers 503 rather than a wrong 401 or 404.
 */
@ApplicationScoped
public class CatchUp {

    private static final Logger LOG = Logger.getLogger(CatchUp.class);
    private static final List<String> TOPICS = List.of(Topics.RESOURCES, Topics.REPLICAS);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    Vertx vertx;

    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
    private volatile Map<TopicPartition, Long> targets;
    private volatile boolean caughtUp;

    void onStart(@Observes StartupEvent ignored) {
        vertx.executeBlocking(() -> {
            readTargets();
            return null;
        }, false);
    }

    /** Called by the consumers after applying a record. */
    public void applied(ConsumerRecord<?, ?> record) {
        applied.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        check();
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    String describe() {
        return "targets=" + targets + " applied=" + applied;
    }

    private void readTargets() {
        while (targets == null) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (TopicDescription topic : admin.describeTopics(TOPICS).allTopicNames().get(10, TimeUnit.SECONDS)
                        .values()) {
                    topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()),
                            OffsetSpec.latest()));
                }
                Map<TopicPartition, Long> ends = new HashMap<>();
                for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(latest)
                        .all().get(10, TimeUnit.SECONDS).entrySet()) {
                    ends.put(e.getKey(), e.getValue().offset());
                }
                targets = ends;
            } catch (Exception e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    targets = Map.of();
                } else {
                    LOG.warnf("Cannot read end offsets yet, retrying: %s", e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
        LOG.infof("Catching up with %s", targets);
        check();
    }

    private void check() {
        Map<TopicPartition, Long> t = targets;
        if (caughtUp || t == null) {
            return;
        }
        if (t.entrySet().stream().allMatch(e -> e.getValue() == 0 || applied.getOrDefault(e.getKey(), 0L) >= e
                .getValue())) {
            caughtUp = true;
            LOG.info("Routing table and key cache caught up with the event topics");
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
