package dev.ember.controlplane.batchinference.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.JobProgressReported;
import dev.ember.common.event.JobSpec;
import dev.ember.common.name.BatchInferenceJobName;
import dev.ember.common.name.DatasetName;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.batchinference.api.BatchInferenceJob;
import dev.ember.controlplane.batchinference.api.ListBatchInferenceJobsResponse;
import dev.ember.controlplane.batchinference.persistence.BatchInferenceJobEntity;
import dev.ember.controlplane.batchinference.persistence.BatchInferenceJobRepository;
import dev.ember.controlplane.dataset.persistence.DatasetRepository;
import dev.ember.controlplane.dataset.service.DatasetService;
import dev.ember.controlplane.dataset.service.DatasetUsers;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.job.service.JobConfig;
import dev.ember.controlplane.job.service.JobRecords;
import dev.ember.controlplane.job.service.JobSizing;
import dev.ember.controlplane.job.service.JobStates;
import dev.ember.controlplane.model.service.JobModels;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * Batch inference jobs: created with their output dataset (UPLOADING, written by the job), run by the scheduler on
 * GPUs of the pool like fine-tuning jobs, and once every row is done ({@code WRITING_RESULTS}) {@link BatchResults}
 * writes the answers into the output dataset and completes the job.
 */
@ApplicationScoped
public class BatchInferenceJobService implements DatasetUsers {

    static final int DEFAULT_MAX_TOKENS = 1024;
    static final int MAX_MAX_TOKENS = 32768;
    static final int MAX_N = 8;
    static final String OUTPUT_SUFFIX = "-output";
    private static final Logger LOG = Logger.getLogger(BatchInferenceJobService.class);

    @Inject
    BatchInferenceJobRepository jobs;

    @Inject
    DatasetService datasets;

    @Inject
    DatasetRepository datasetRows;

    @Inject
    JobModels models;

    @Inject
    JobConfig config;

    @Inject
    BatchResults results;

    @Inject
    JobRecords records;

    record Request(String jobId, String displayName, ModelName model, DatasetName input, DatasetName output,
            int maxTokens, Double temperature, Double topP, Integer topK, int n) {
    }

    @WithTransaction
    public Uni<BatchInferenceJob> create(Caller caller, String account, String jobId, BatchInferenceJob body) {
        caller.requireWrite(account);
        Request r = validate(account, jobId == null ? UUID.randomUUID().toString() : jobId, body);
        BatchInferenceJobName name = new BatchInferenceJobName(account, r.jobId());
        return records.accountExists(account)
                .chain(() -> jobs.findByName(name))
                .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                .chain(() -> datasets.readyDataset(account, r.input(), "inputDatasetId"))
                .chain(input -> models.servable(account, r.model(), "model").chain(model -> {
                    int gpus = JobSizing.gpus(model.parameterCount(), config.parametersPerGpu());
                    if (gpus == 0) {
                        throw InvalidArgumentException.field("model", "'" + model.name() + "' is too large for one "
                                + "node of 8 GPUs");
                    }
                    return datasets.createForJob(r.output(), "FORMAT_UNSPECIFIED", name.toString(), caller.userId())
                            .onFailure(AlreadyExistsException.class).transform(f -> InvalidArgumentException.field(
                                    "outputDatasetId", "dataset '" + r.output() + "' already exists; name a new one"))
                            .chain(() -> persist(caller, name, r, model.name(), input.exampleCount, gpus));
                }));
    }

    private Uni<BatchInferenceJob> persist(Caller caller, BatchInferenceJobName name, Request r, String model,
            long rows, int gpus) {
        Instant now = records.now();
        BatchInferenceJobEntity e = new BatchInferenceJobEntity();
        e.accountId = name.account();
        e.jobId = name.job();
        e.uid = UUID.randomUUID().toString();
        e.displayName = r.displayName() == null || r.displayName().isEmpty() ? name.job() : r.displayName();
        e.state = JobStates.CREATING;
        e.statusCode = "OK";
        e.statusMessage = "waiting for the scheduler to place it";
        e.model = model;
        e.inputDatasetId = r.input().dataset();
        e.outputDatasetId = r.output().dataset();
        e.maxTokens = r.maxTokens();
        e.temperature = r.temperature();
        e.topP = r.topP();
        e.topK = r.topK();
        e.n = r.n();
        e.rowCount = rows;
        e.acceleratorType = config.acceleratorType();
        e.acceleratorCount = gpus;
        e.generation = 1;
        e.createdBy = caller.userId();
        e.createTime = now;
        e.updateTime = now;
        return jobs.persist(e).call(jobs::flush)
                .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                .call(() -> publish(e, JobSpec.RUN))
                .invoke(() -> LOG.infof("Batch inference job %s created: %s over %d rows of %s", name, model, rows,
                        r.input()))
                .map(BatchMapper::toApi);
    }

    @WithSession
    public Uni<BatchInferenceJob> get(Caller caller, BatchInferenceJobName name) {
        return readable(caller, name).map(BatchMapper::toApi);
    }

    @WithSession
    public Uni<ListBatchInferenceJobsResponse> list(Caller caller, ListRequest request) {
        return records.list(caller, request, jobs::count, jobs::page,
                (page, next, total) -> new ListBatchInferenceJobsResponse(
                        page.stream().map(BatchMapper::toApi).toList(), next, total));
    }

    /**
     * Deletes the job (hard); a running one is stopped and its GPUs freed. A completed job's output dataset stays; an
     * unfinished one's (still empty) goes with it.
     */
    @WithTransaction
    public Uni<Void> delete(Caller caller, BatchInferenceJobName name) {
        return writable(caller, name).chain(e -> {
            JobRecords.newCommand(e);
            Uni<Void> output = JobStates.COMPLETED.equals(e.state)
                    ? Uni.createFrom().voidItem()
                    : datasetRows.findByNameForUpdate(new DatasetName(e.accountId, e.outputDatasetId))
                            .chain(d -> d == null || d.isReady()
                                    ? Uni.createFrom().voidItem()
                                    : datasetRows.delete(d));
            return publish(e, JobSpec.DELETE).chain(() -> output).chain(() -> jobs.delete(e))
                    .invoke(() -> LOG.infof("Batch inference job %s deleted by user '%s'", name, caller.userId()));
        });
    }

    /** Applies a scheduler report; only the newest report of the newest command counts. */
    @WithTransaction
    public Uni<Void> applyProgress(JobProgressReported r) {
        BatchInferenceJobName name = BatchInferenceJobName.parse("name", r.name());
        return jobs.findByNameForUpdate(name).map(e -> {
            if (!records.accept(e, r) || JobStates.ended(e.state) || JobStates.WRITING_RESULTS.equals(e.state)
                    || !records.advance(e, r, "running")) {
                return false;
            }
            records.set(e, JobStates.WRITING_RESULTS, "OK", "every row answered: writing "
                    + "accounts/" + e.accountId + "/datasets/" + e.outputDatasetId);
            return true;
        }).invoke(writing -> {
            if (writing) {
                results.trigger();
            }
        }).replaceWithVoid();
    }

    @Override
    public Uni<String> activeUserOf(DatasetName dataset) {
        return jobs.activeOnDataset(dataset).map(j -> j == null ? null : j.name());
    }

    private Request validate(String account, String jobId, BatchInferenceJob body) {
        List<FieldViolation> v = new ArrayList<>();
        if (!ResourceIds.isValid(jobId)) {
            v.add(new FieldViolation("batchInferenceJobId", "'" + jobId + "' is not a valid ID: use 1-63 characters "
                    + "of a-z, 0-9 and '-', not starting or ending with '-'"));
        }
        if (body == null) {
            v.add(new FieldViolation("body", "a job with at least model and inputDatasetId is required"));
            throw InvalidArgumentException.fields(v);
        }
        ModelName model = body.model() == null || body.model().isEmpty()
                ? missing(v, "model", "the model to run, e.g. accounts/fireworks/models/llama-v3p1-8b-instruct")
                : parse(v, "model", () -> ModelName.parse("model", body.model()));
        DatasetName input = body.inputDatasetId() == null || body.inputDatasetId().isEmpty()
                ? missing(v, "inputDatasetId", "the dataset of requests, e.g. accounts/" + account + "/datasets/in")
                : dataset(v, account, "inputDatasetId", body.inputDatasetId());
        DatasetName output;
        if (body.outputDatasetId() == null || body.outputDatasetId().isEmpty()) {
            String id = jobId.length() + OUTPUT_SUFFIX.length() > 63
                    ? jobId.substring(0, 63 - OUTPUT_SUFFIX.length()).replaceAll("-+$", "") + OUTPUT_SUFFIX
                    : jobId + OUTPUT_SUFFIX;
            output = ResourceIds.isValid(id) ? new DatasetName(account, id) : null;
        } else {
            output = dataset(v, account, "outputDatasetId", body.outputDatasetId());
        }
        BatchInferenceJob.InferenceParameters p = body.inferenceParameters();
        int maxTokens = p == null || p.maxTokens() == null ? DEFAULT_MAX_TOKENS : p.maxTokens();
        if (maxTokens < 1 || maxTokens > MAX_MAX_TOKENS) {
            v.add(new FieldViolation("inferenceParameters.maxTokens", "must be from 1 to " + MAX_MAX_TOKENS + ", got "
                    + maxTokens));
        }
        Float temperature = p == null ? null : p.temperature();
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            v.add(new FieldViolation("inferenceParameters.temperature", "must be from 0 to 2, got " + temperature));
        }
        Float topP = p == null ? null : p.topP();
        if (topP != null && (topP <= 0 || topP > 1)) {
            v.add(new FieldViolation("inferenceParameters.topP", "must be above 0 and at most 1, got " + topP));
        }
        Integer topK = p == null ? null : p.topK();
        if (topK != null && topK < 0) {
            v.add(new FieldViolation("inferenceParameters.topK", "must be 0 or more, got " + topK));
        }
        int n = p == null || p.n() == null ? 1 : p.n();
        if (n < 1 || n > MAX_N) {
            v.add(new FieldViolation("inferenceParameters.n", "must be from 1 to " + MAX_N + ", got " + n));
        }
        if (p != null && p.extraBody() != null && !p.extraBody().isBlank()) {
            v.add(new FieldViolation("inferenceParameters.extraBody", "extra request parameters are not supported; "
                    + "use maxTokens, temperature, topP, topK and n"));
        }
        if (body.displayName() != null && body.displayName().length() > 255) {
            v.add(new FieldViolation("displayName", "must be at most 255 characters"));
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return new Request(jobId, body.displayName(), model, input, output, maxTokens,
                temperature == null ? null : temperature.doubleValue(), topP == null ? null : topP.doubleValue(), topK,
                n);
    }

    /** A dataset of the account, by full name or by ID (the reference's field is named ...Id but takes names). */
    private static DatasetName dataset(List<FieldViolation> v, String account, String field, String value) {
        DatasetName name = value.contains("/")
                ? parse(v, field, () -> DatasetName.parse(field, value))
                : parse(v, field, () -> new DatasetName(account, value));
        if (name != null && !name.account().equals(account)) {
            v.add(new FieldViolation(field, "must be a dataset of account " + account + ", got '" + value + "'"));
            return null;
        }
        return name;
    }

    private static <T> T missing(List<FieldViolation> v, String field, String what) {
        v.add(new FieldViolation(field, "is required: " + what));
        return null;
    }

    private static <T> T parse(List<FieldViolation> v, String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (EmberException e) {
            if (e.violations().isEmpty()) {
                v.add(new FieldViolation(field, e.getMessage()));
            } else {
                e.violations().forEach(x -> v.add(new FieldViolation(field, x.description())));
            }
            return null;
        }
    }

    Uni<Void> publish(BatchInferenceJobEntity e, String desired) {
        return records.publish(e, JobSpec.BATCH_INFERENCE, desired, e.rowCount, 0);
    }

    Uni<BatchInferenceJobEntity> readable(Caller caller, BatchInferenceJobName name) {
        return records.readable(caller, name.account(), () -> jobs.findByName(name), () -> notFound(name));
    }

    Uni<BatchInferenceJobEntity> writable(Caller caller, BatchInferenceJobName name) {
        return records.writable(caller, name.account(), () -> jobs.findByNameForUpdate(name), () -> notFound(name));
    }

    static NotFoundException notFound(BatchInferenceJobName name) {
        return new NotFoundException("batch inference job '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(BatchInferenceJobName name) {
        return new AlreadyExistsException("batch inference job '" + name + "' already exists");
    }
}
