package dev.ember.controlplane.deployment.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;
import dev.ember.controlplane.deployment.service.DeploymentService;
import dev.ember.controlplane.region.service.RegionService;
import dev.ember.controlplane.usage.service.UsageLedger;

/**
 * The scheduler's deployment status reports become the deployment's state and replica counts; its deletion requests
 * (idle deployments) become soft deletes; its capacity reports are the regions' GPU pools; replica events are GPU time in the usage ledger.
 */
@ApplicationScoped
public class SchedulerEventsConsumer {

    public static final String CHANNEL = "ember-replicas";

    @Inject
    DeploymentService deployments;

    @Inject
    RegionService regions;

    @Inject
    UsageLedger ledger;

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.DEPLOYMENT_STATUS_REPORTED)
                .map(deployments::applyStatus)
                .or(() -> event.dataAs(EventTypes.DEPLOYMENT_DELETION_REQUESTED).map(deployments::deletionRequested))
                .or(() -> event.dataAs(EventTypes.CAPACITY_REPORTED).map(regions::capacityReported))
                .or(() -> event.dataAs(EventTypes.REPLICA_UPDATED).map(ledger::replicaUpdated))
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }
}
