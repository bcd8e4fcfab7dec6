package dev.ember.controlplane.batchinference.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

import dev.ember.common.name.DatasetName;
import dev.ember.common.reactive.SingleFlight;
import dev.ember.controlplane.batchinference.persistence.BatchInferenceJobEntity;
import dev.ember.controlplane.batchinference.persistence.BatchInferenceJobRepository;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.blob.BlobUpload;
import dev.ember.controlplane.dataset.persistence.DatasetEntity;
import dev.ember.controlplane.dataset.persistence.DatasetRepository;
import dev.ember.controlplane.dataset.service.DatasetService;
import dev.ember.controlplane.job.service.JobRecords;
import dev.ember.controlplane.job.service.JobStates;

/**
 * Writes the results of batch inference jobs whose rows are all done (JOB_STATE_WRITING_RESULTS): reads the input
 * file line by line, writes one answer row per example ({@link SimulatedAnswers}) to the output dataset's file, then,
 * in one transaction, makes the output dataset READY and the job COMPLETED. Runs after each such report and every
 * second, so a job left half-written by a crash is written again (the file is staged and replaced whole).
 */
@ApplicationScoped
public class BatchResults {

    static final String RESULTS_FILE = "results.jsonl";
    static final int BATCH = 5;
    private static final Logger LOG = Logger.getLogger(BatchResults.class);

    @Inject
    BatchInferenceJobRepository jobs;

    @Inject
    DatasetRepository datasets;

    @Inject
    JobRecords records;

    @Inject
    BlobStore blobs;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    private SingleFlight loop;
    private long timer = -1;

    void start(@Observes StartupEvent ignored) {
        loop = new SingleFlight(vertx, "BatchResults", this::writePending);
        timer = loop.every(1000);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.stop();
            vertx.cancelTimer(timer);
        }
    }

    public void trigger() {
        if (loop != null) {
            loop.trigger();
        }
    }

    /** Writes up to {@value #BATCH} jobs' results; true when there may be more. */
    Uni<Boolean> writePending() {
        return Panache.withSession(() -> jobs.writingResults(BATCH)).chain(pending -> Multi.createFrom()
                .iterable(pending)
                .onItem().transformToUniAndConcatenate(job -> write(job).onFailure().recoverWithItem(f -> {
                    LOG.warnf(f, "Writing the results of %s failed; trying again", job.name());
                    return null;
                }))
                .collect().asList().map(done -> pending.size() == BATCH));
    }

    private Uni<Void> write(BatchInferenceJobEntity job) {
        DatasetName inputName = new DatasetName(job.accountId, job.inputDatasetId);
        DatasetName outputName = new DatasetName(job.accountId, job.outputDatasetId);
        return Panache.withSession(() -> datasets.findByName(inputName).chain(input -> datasets.findByName(outputName)
                .map(output -> new DatasetEntity[]{input, output})))
                .chain(pair -> {
                    DatasetEntity input = pair[0];
                    DatasetEntity output = pair[1];
                    if (input == null || output == null) {
                        return fail(job, "its " + (input == null ? "input" : "output") + " dataset was deleted");
                    }
                    SimulatedAnswers answers = new SimulatedAnswers(job.model, job.uid, job.maxTokens, job.n);
                    String inKey = DatasetService.blobPrefix(inputName, input.uid) + "/" + input.filename;
                    String outKey = DatasetService.blobPrefix(outputName, output.uid) + "/" + RESULTS_FILE;
                    return blobs.create(outKey).chain(staged -> copy(inKey, staged, answers)
                            .onFailure().call(f -> staged.abort())
                            .chain(file -> finish(job, output.uid, answers, file)));
                });
    }

    /** The results file as written. */
    record Written(long size, String sha256) {
    }

    /** Streams the answers into the staged file and publishes it. */
    private Uni<Written> copy(String inKey, BlobUpload staged, SimulatedAnswers answers) {
        MessageDigest sha = sha256();
        long[] size = {0};
        return blobs.open(inKey).chain(stream -> Uni.createFrom().<Void>emitter(emitter -> {
            long[] number = {0};
            RecordParser parser = RecordParser.newDelimited("\n", stream);
            parser.handler(line -> {
                number[0]++;
                String answer = answers.answer(number[0], line.toString(StandardCharsets.UTF_8).strip());
                if (answer == null) {
                    return;
                }
                byte[] bytes = (answer + "\n").getBytes(StandardCharsets.UTF_8);
                sha.update(bytes);
                size[0] += bytes.length;
                parser.pause();
                staged.write(Buffer.buffer(bytes)).subscribe().with(v -> parser.resume(), emitter::fail);
            });
            parser.exceptionHandler(emitter::fail);
            parser.endHandler(v -> emitter.complete(null));
            stream.resume();
        })).chain(staged::commit).map(v -> new Written(size[0], HexFormat.of().formatHex(sha.digest())));
    }

    private Uni<Void> finish(BatchInferenceJobEntity job, String outputUid, SimulatedAnswers answers,
            Written file) {
        return Panache.withTransaction(() -> jobs.findByNameForUpdate(job.jobName()).chain(locked -> {
            if (locked == null || !locked.uid.equals(job.uid) || !JobStates.WRITING_RESULTS.equals(locked.state)) {
                return Uni.createFrom().voidItem();
            }
            return datasets.findByNameForUpdate(new DatasetName(job.accountId, job.outputDatasetId)).invoke(out -> {
                if (out == null || !out.uid.equals(outputUid)) {
                    records.set(locked, JobStates.FAILED, "ABORTED", "its output dataset was deleted while the "
                            + "results were written");
                    return;
                }
                out.filename = RESULTS_FILE;
                out.sizeBytes = file.size();
                out.sha256 = file.sha256();
                out.uploadTime = clock.instant();
                out.state = DatasetEntity.READY;
                out.exampleCount = answers.rows;
                out.estimatedTokens = answers.inputTokens + answers.outputTokens;
                out.averageTurns = answers.rows == 0 ? 0 : 1;
                out.updateTime = records.now();
                locked.outputRows = answers.rows;
                locked.inputTokens = answers.inputTokens;
                locked.outputTokens = answers.outputTokens;
                locked.percent = 100;
                records.set(locked, JobStates.COMPLETED, "OK", answers.rows + " rows answered into "
                        + out.name());
                LOG.infof("Batch inference job %s completed: %d rows into %s", job.name(), answers.rows, out.name());
            }).replaceWithVoid();
        }));
    }

    private Uni<Void> fail(BatchInferenceJobEntity job, String why) {
        return Panache.withTransaction(() -> jobs.findByNameForUpdate(job.jobName()).invoke(locked -> {
            if (locked != null && JobStates.WRITING_RESULTS.equals(locked.state)) {
                records.set(locked, JobStates.FAILED, "ABORTED", "the results could not be written: " + why);
            }
        })).replaceWithVoid();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
