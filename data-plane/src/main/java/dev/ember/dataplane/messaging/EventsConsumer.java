package dev.ember.dataplane.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;

import dev.ember.common.event.Event;
import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.dataplane.ratelimit.RateLimiter;
import dev.ember.dataplane.routing.KeyCache;
import dev.ember.dataplane.routing.ReplicaWaiters;
import dev.ember.dataplane.routing.RoutingTable;

/**
 * Applies resource and replica events to the in-memory routing table and key cache, the serverless quotas to the rate
 * limiter, and wakes requests held for a replica.
 */
@ApplicationScoped
public class EventsConsumer {

    @Inject
    RoutingTable routing;

    @Inject
    KeyCache keys;

    @Inject
    CatchUp catchUp;

    @Inject
    ReplicaWaiters waiters;

    @Inject
    RateLimiter limits;

    @Incoming("ember-resources")
    public Uni<Void> onResource(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, this::apply).invoke(() -> catchUp.applied(record));
    }

    @Incoming("ember-replicas")
    public Uni<Void> onReplica(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, this::apply).invoke(() -> catchUp.applied(record));
    }

    private Uni<Void> apply(Event<?> event) {
        event.dataAs(EventTypes.API_KEY_CREATED).ifPresent(keys::created);
        event.dataAs(EventTypes.API_KEY_REVOKED).ifPresent(keys::revoked);
        event.dataAs(EventTypes.USER_DELETED).ifPresent(keys::userDeleted);
        event.dataAs(EventTypes.DEPLOYMENT_CREATED).ifPresent(e -> routing.deployment(e.deployment()));
        // Every event that carries a spec: on the compacted topic the newest one may be the only one left of a
        // deployment, so each must be applied.
        event.dataAs(EventTypes.DEPLOYMENT_UPDATED).ifPresent(e -> routing.deployment(e.deployment()));
        event.dataAs(EventTypes.DEPLOYMENT_SCALE_REQUESTED).ifPresent(e -> routing.deployment(e.deployment()));
        event.dataAs(EventTypes.DEPLOYMENT_UNDELETED).ifPresent(e -> routing.deployment(e.deployment()));
        event.dataAs(EventTypes.DEPLOYMENT_DELETED).ifPresent(e -> routing.deleted(e.name(), e.uid()));
        event.dataAs(EventTypes.REPLICA_UPDATED).ifPresent(this::replica);
        event.dataAs(EventTypes.QUOTA_UPDATED).ifPresent(limits::quota);
        event.dataAs(EventTypes.DEPLOYED_MODEL_UPDATED).ifPresent(e -> routing.deployedModel(e.deployedModel()));
        event.dataAs(EventTypes.DEPLOYED_MODEL_DELETED).ifPresent(e -> routing.deployedModelDeleted(e.name(),
                e.uid()));
        return Uni.createFrom().voidItem();
    }

    /** Requests held for a replica of the deployment go on once the table has it as READY. */
    private void replica(ReplicaUpdated update) {
        routing.replica(update);
        if (RoutingTable.READY.equals(update.state())) {
            waiters.replicaReady(update.deployment());
        }
    }
}
