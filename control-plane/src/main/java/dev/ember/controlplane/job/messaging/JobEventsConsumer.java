package dev.ember.controlplane.job.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.mutiny.Uni;

import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.controlplane.batchinference.service.BatchInferenceJobService;
import dev.ember.controlplane.finetuning.service.SupervisedFineTuningJobService;

/**
 * The scheduler's job progress reports (topic {@code ember.jobs}) become the jobs' state and progress. The control
 * plane's own commands travel on the same topic and are skipped here. Idempotent: each job keeps the newest report it
 * applied.
 */
@ApplicationScoped
public class JobEventsConsumer {

    public static final String CHANNEL = "ember-jobs";

    @Inject
    SupervisedFineTuningJobService fineTuning;

    @Inject
    BatchInferenceJobService batchInference;

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.JOB_PROGRESS_REPORTED)
                .map(this::apply)
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }

    private Uni<Void> apply(JobProgressReported report) {
        return JobSpec.BATCH_INFERENCE.equals(report.kind())
                ? batchInference.applyProgress(report)
                : fineTuning.applyProgress(report);
    }
}
