package dev.ember.controlplane.usage.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;
import dev.ember.controlplane.usage.service.UsageLedger;

/** The data planes' token usage reports, into the usage ledger. */
@ApplicationScoped
public class UsageEventsConsumer {

    public static final String CHANNEL = "ember-usage";

    @Inject
    UsageLedger ledger;

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.USAGE_REPORTED)
                .map(ledger::tokensReported)
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }
}
