package dev.ember.scheduler.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;
import dev.ember.scheduler.autoscaling.LoadSignals;
import dev.ember.scheduler.placement.Quotas;
import dev.ember.scheduler.reconcile.DeploymentSpecs;
import dev.ember.scheduler.reconcile.Reconciler;

/** Deployment specs from the control plane and load signals from the data planes; each triggers a reconciliation. */
@ApplicationScoped
public class ResourceEventsConsumer {

    public static final String CHANNEL = "ember-resources";
    public static final String LOAD_CHANNEL = "ember-load";

    @Inject
    DeploymentSpecs specs;

    @Inject
    Quotas quotas;

    @Inject
    Reconciler reconciler;

    @Inject
    LoadSignals load;

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.DEPLOYMENT_CREATED)
                .map(created -> specs.created(created.deployment()))
                .or(() -> event.dataAs(EventTypes.DEPLOYMENT_UPDATED).map(updated -> specs.updated(
                        updated.deployment())))
                .or(() -> event.dataAs(EventTypes.QUOTA_UPDATED).map(quotas::updated))
                .or(() -> event.dataAs(EventTypes.DEPLOYMENT_DELETED).map(specs::deleted))
                .or(() -> event.dataAs(EventTypes.DEPLOYMENT_UNDELETED).map(specs::undeleted))
                .or(() -> event.dataAs(EventTypes.DEPLOYMENT_SCALE_REQUESTED).map(specs::scaleRequested))
                .map(handled -> handled.invoke(reconciler::trigger))
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }

    @Incoming(LOAD_CHANNEL)
    public Uni<Void> onLoad(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.LOAD_REPORTED).map(load::reported)
                .or(() -> event.dataAs(EventTypes.WAKE_UP_REQUESTED).map(load::wakeUp))
                .map(handled -> handled.invoke(reconciler::trigger))
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }
}
