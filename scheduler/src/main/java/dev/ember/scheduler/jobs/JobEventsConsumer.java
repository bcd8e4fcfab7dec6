package dev.ember.scheduler.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;

/** The control plane's job commands on {@code ember.jobs}; the scheduler's own progress reports there are skipped. */
@ApplicationScoped
public class JobEventsConsumer {

    public static final String CHANNEL = "ember-jobs";

    @Inject
    JobCommands commands;

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.JOB_UPDATED)
                .map(updated -> commands.apply(updated.job()))
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }
}
