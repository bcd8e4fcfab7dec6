package dev.ember.controlplane.finetuning.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.name.DatasetName;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.SupervisedFineTuningJobName;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.dataset.persistence.DatasetEntity;
import dev.ember.controlplane.dataset.service.DatasetService;
import dev.ember.controlplane.dataset.service.DatasetUsers;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.finetuning.api.ListSupervisedFineTuningJobsResponse;
import dev.ember.controlplane.finetuning.api.SupervisedFineTuningJob;
import dev.ember.controlplane.finetuning.persistence.SupervisedFineTuningJobEntity;
import dev.ember.controlplane.finetuning.persistence.SupervisedFineTuningJobRepository;
import dev.ember.controlplane.job.service.JobConfig;
import dev.ember.controlplane.job.service.JobRecords;
import dev.ember.controlplane.job.service.JobSizing;
import dev.ember.controlplane.job.service.JobStates;
import dev.ember.controlplane.model.service.JobModels;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * Supervised fine-tuning jobs: each command (create, cancel, resume, delete) is one transaction with its
 * {@code job.updated} event for the scheduler, which places the job on GPUs and reports its progress
 * ({@link #applyProgress}); on completion the trained LoRA addon becomes a READY model. Another account's job reads as
 * missing (404).
 */
@ApplicationScoped
public class SupervisedFineTuningJobService implements DatasetUsers {

    static final Set<String> CANCELLABLE = Set.of(JobStates.CREATING, JobStates.PENDING, JobStates.RUNNING);
    private static final Logger LOG = Logger.getLogger(SupervisedFineTuningJobService.class);

    @Inject
    SupervisedFineTuningJobRepository jobs;

    @Inject
    DatasetService datasets;

    @Inject
    JobModels models;

    @Inject
    JobConfig config;

    @Inject
    JobRecords records;

    @WithTransaction
    public Uni<SupervisedFineTuningJob> create(Caller caller, String account, String jobId,
            SupervisedFineTuningJob body) {
        caller.requireWrite(account);
        SftRequest parsed = SftRequest.validate(account, jobId, body);
        SftRequest request = parsed.jobId() != null
                ? parsed
                : parsed.withJobId(account, UUID.randomUUID().toString());
        SupervisedFineTuningJobName name = new SupervisedFineTuningJobName(account, request.jobId());
        return records.accountExists(account)
                .chain(() -> jobs.findByName(name))
                .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                .chain(() -> datasets.readyDataset(account, request.dataset(), "dataset"))
                .invoke(d -> {
                    if (!d.trainable) {
                        throw InvalidArgumentException.field("dataset", "dataset '" + request.dataset() + "' has "
                                + "examples without an answer to learn from (a conversation with no assistant "
                                + "message, a prompt with no completion); it suits batch inference, not fine-tuning");
                    }
                })
                .call(d -> request.evaluationDataset() == null
                        ? Uni.createFrom().nullItem()
                        : datasets.readyDataset(account, request.evaluationDataset(), "evaluationDataset"))
                .chain(dataset -> models.tunableBase(account, request.baseModel(), "baseModel")
                        .chain(base -> outputFree(request.outputModel())
                                .chain(() -> persist(caller, name, request, dataset, base))));
    }

    private Uni<SupervisedFineTuningJob> persist(Caller caller, SupervisedFineTuningJobName name, SftRequest r,
            DatasetEntity dataset, JobModels.Base base) {
        int context = r.maxContextLength() == null ? base.contextLength() : r.maxContextLength();
        if (base.contextLength() > 0 && context > base.contextLength()) {
            throw InvalidArgumentException.field("maxContextLength", "must not exceed the base model's "
                    + base.contextLength() + ", got " + context);
        }
        int gpus = JobSizing.gpus(base.parameterCount(), config.parametersPerGpu());
        if (gpus == 0) {
            throw InvalidArgumentException.field("baseModel", "'" + base.name() + "' is too large to fine-tune on "
                    + "one node of 8 GPUs");
        }
        Instant now = records.now();
        SupervisedFineTuningJobEntity e = new SupervisedFineTuningJobEntity();
        e.accountId = name.account();
        e.jobId = name.job();
        e.uid = UUID.randomUUID().toString();
        e.displayName = r.displayName() == null || r.displayName().isEmpty() ? name.job() : r.displayName();
        e.state = JobStates.CREATING;
        e.statusCode = "OK";
        e.statusMessage = "waiting for the scheduler to place it";
        e.datasetId = r.dataset().dataset();
        e.evaluationDatasetId = r.evaluationDataset() == null ? null : r.evaluationDataset().dataset();
        e.baseModel = base.name();
        e.outputModelId = r.outputModel().model();
        e.epochs = r.epochs();
        e.learningRate = r.learningRate();
        e.loraRank = r.loraRank();
        e.maxContextLength = context;
        e.batchSize = r.batchSize();
        e.warmupSteps = r.warmupSteps();
        e.gradientAccumulationSteps = r.gradientAccumulationSteps();
        e.exampleCount = dataset.exampleCount;
        e.acceleratorType = config.acceleratorType();
        e.acceleratorCount = gpus;
        e.generation = 1;
        e.totalUnits = dataset.exampleCount * r.epochs();
        e.createdBy = caller.userId();
        e.createTime = now;
        e.updateTime = now;
        return jobs.persist(e).call(jobs::flush)
                .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                .call(() -> publish(e, JobSpec.RUN))
                .invoke(() -> LOG.infof("Fine-tuning job %s created: %s on %s, %d examples x %d epochs, %d x %s",
                        name, base.name(), r.dataset(), e.exampleCount, e.epochs, gpus, e.acceleratorType))
                .map(SftMapper::toApi);
    }

    /** The output model's name must be free of models and of other jobs' outputs. */
    private Uni<Void> outputFree(ModelName output) {
        return models.exists(output).chain(exists -> {
            if (exists) {
                return Uni.createFrom().failure(InvalidArgumentException.field("outputModel", "model '" + output
                        + "' already exists; name another output model"));
            }
            return jobs.findByOutputModel(output.account(), output.model());
        }).invoke(other -> {
            if (other != null) {
                throw InvalidArgumentException.field("outputModel", "job " + other.name() + " already makes model '"
                        + output + "'; name another output model");
            }
        }).replaceWithVoid();
    }

    @WithSession
    public Uni<SupervisedFineTuningJob> get(Caller caller, SupervisedFineTuningJobName name) {
        return readable(caller, name).map(SftMapper::toApi);
    }

    @WithSession
    public Uni<ListSupervisedFineTuningJobsResponse> list(Caller caller, ListRequest request) {
        return records.list(caller, request, jobs::count, jobs::page,
                (page, next, total) -> new ListSupervisedFineTuningJobsResponse(
                        page.stream().map(SftMapper::toApi).toList(), next, total));
    }

    /**
     * Stops the job and frees its GPUs: CANCELLED at once; the scheduler drops it on the event. Cancelling a
     * cancelled job changes nothing; a completed or failed one cannot be cancelled (FAILED_PRECONDITION).
     */
    @WithTransaction
    public Uni<SupervisedFineTuningJob> cancel(Caller caller, SupervisedFineTuningJobName name) {
        return writable(caller, name).chain(e -> {
            if (JobStates.CANCELLED.equals(e.state)) {
                return Uni.createFrom().item(SftMapper.toApi(e));
            }
            if (!CANCELLABLE.contains(e.state)) {
                throw new FailedPreconditionException("JOB_ENDED", "job '" + name + "' is " + e.state
                        + " and cannot be cancelled");
            }
            JobRecords.newCommand(e);
            records.set(e, JobStates.CANCELLED, "CANCELLED",
                    "cancelled by user '" + caller.userId() + "' at " + e.percent
                            + "%; :resume continues from there");
            LOG.infof("Fine-tuning job %s cancelled at %d%%", name, e.percent);
            return publish(e, JobSpec.CANCEL).map(v -> SftMapper.toApi(e));
        });
    }

    /**
     * Runs a cancelled or failed job again from the progress it had reached: PENDING until the scheduler places it.
     * A job that is running or completed cannot be resumed (FAILED_PRECONDITION).
     */
    @WithTransaction
    public Uni<SupervisedFineTuningJob> resume(Caller caller, SupervisedFineTuningJobName name) {
        return writable(caller, name).chain(e -> {
            if (!JobStates.CANCELLED.equals(e.state) && !JobStates.FAILED.equals(e.state)) {
                throw new FailedPreconditionException("JOB_NOT_RESUMABLE", "job '" + name + "' is " + e.state
                        + "; only a cancelled or failed job can be resumed");
            }
            return models.exists(new ModelName(e.accountId, e.outputModelId)).chain(taken -> {
                if (taken) {
                    throw new FailedPreconditionException("OUTPUT_MODEL_EXISTS", "model 'accounts/" + e.accountId
                            + "/models/" + e.outputModelId + "' exists now, so the job could not write its output; "
                            + "delete that model, or create a new job with another outputModel");
                }
                JobRecords.newCommand(e);
                e.completedTime = null;
                records.set(e, JobStates.PENDING, "OK", "resuming at " + e.percent + "%: waiting for the scheduler");
                LOG.infof("Fine-tuning job %s resumed at %d%%", name, e.percent);
                return publish(e, JobSpec.RUN).map(v -> SftMapper.toApi(e));
            });
        });
    }

    /** Deletes the job (hard, as Fireworks'); a running one is stopped and its GPUs freed. The output model stays. */
    @WithTransaction
    public Uni<Void> delete(Caller caller, SupervisedFineTuningJobName name) {
        return writable(caller, name).chain(e -> {
            JobRecords.newCommand(e);
            return publish(e, JobSpec.DELETE).chain(() -> jobs.delete(e))
                    .invoke(() -> LOG.infof("Fine-tuning job %s deleted by user '%s'", name, caller.userId()));
        });
    }

    /**
     * Applies a scheduler report: only the newest report of the job's newest command counts, so a redelivered or
     * outdated one changes nothing. On COMPLETED the trained addon is created in the same transaction.
     */
    @WithTransaction
    public Uni<Void> applyProgress(JobProgressReported r) {
        SupervisedFineTuningJobName name = SupervisedFineTuningJobName.parse("name", r.name());
        return jobs.findByNameForUpdate(name).chain(e -> {
            if (!records.accept(e, r)) {
                return Uni.createFrom().voidItem();
            }
            e.epoch = r.epoch();
            if (JobStates.ended(e.state) || !records.advance(e, r, "training")) {
                return Uni.createFrom().voidItem();
            }
            return complete(e, r);
        });
    }

    private Uni<Void> complete(SupervisedFineTuningJobEntity e, JobProgressReported r) {
        ModelName output = new ModelName(e.accountId, e.outputModelId);
        return models.create(output, e.baseModel, e.loraRank, e.maxContextLength, e.name())
                .invoke(() -> {
                    e.completedTime = r.time().truncatedTo(ChronoUnit.MICROS);
                    e.percent = 100;
                    records.set(e, JobStates.COMPLETED, "OK", "trained " + output + "; load it onto a deployment of "
                            + e.baseModel + " with deployedModels");
                    LOG.infof("Fine-tuning job %s completed: %s is READY", e.name(), output);
                })
                .onFailure(AlreadyExistsException.class).recoverWithItem(f -> {
                    records.set(e, JobStates.FAILED, "ALREADY_EXISTS", "the trained addon could not be saved: model '"
                            + output + "' was created meanwhile; delete it and :resume this job");
                    return null;
                })
                .replaceWithVoid();
    }

    @Override
    public Uni<String> activeUserOf(DatasetName dataset) {
        return jobs.activeOnDataset(dataset).map(j -> j == null ? null : j.name());
    }

    private Uni<Void> publish(SupervisedFineTuningJobEntity e, String desired) {
        return records.publish(e, JobSpec.SUPERVISED_FINE_TUNING, desired, e.totalUnits, e.exampleCount);
    }

    Uni<SupervisedFineTuningJobEntity> readable(Caller caller, SupervisedFineTuningJobName name) {
        return records.readable(caller, name.account(), () -> jobs.findByName(name), () -> notFound(name));
    }

    Uni<SupervisedFineTuningJobEntity> writable(Caller caller, SupervisedFineTuningJobName name) {
        return records.writable(caller, name.account(), () -> jobs.findByNameForUpdate(name), () -> notFound(name));
    }

    static NotFoundException notFound(SupervisedFineTuningJobName name) {
        return new NotFoundException("supervised fine-tuning job '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(SupervisedFineTuningJobName name) {
        return new AlreadyExistsException("supervised fine-tuning job '" + name + "' already exists");
    }
}
