package dev.ember.controlplane.finetuning.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.name.DatasetName;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.finetuning.api.SupervisedFineTuningJob;

/**
 * A create request checked field by field, every problem reported at once, with the defaults filled in: 1 epoch,
 * learning rate 1e-4, LoRA rank 8, the job ID as the output model's ID. What needs the database (the dataset is READY,
 * the base model takes LoRA, the output name is free, the context fits the base model) is checked by the service.
 */
record SftRequest(String jobId, String displayName, DatasetName dataset, DatasetName evaluationDataset,
        ModelName baseModel, ModelName outputModel, int epochs, double learningRate, int loraRank,
        Integer maxContextLength, Integer batchSize, Integer warmupSteps, Integer gradientAccumulationSteps) {

    static final int DEFAULT_EPOCHS = 1;
    static final int MAX_EPOCHS = 100;
    static final double DEFAULT_LEARNING_RATE = 1e-4;
    static final int DEFAULT_LORA_RANK = 8;
    static final Set<Integer> LORA_RANKS = Set.of(4, 8, 16, 32, 64);
    static final int MAX_DISPLAY_NAME = 255;

    static SftRequest validate(String account, String jobId, SupervisedFineTuningJob body) {
        List<FieldViolation> v = new ArrayList<>();
        if (jobId != null && !ResourceIds.isValid(jobId)) {
            v.add(new FieldViolation("supervisedFineTuningJobId", "'" + jobId + "' is not a valid ID: use 1-63 "
                    + "characters of a-z, 0-9 and '-', not starting or ending with '-'"));
        }
        if (body == null) {
            v.add(new FieldViolation("body", "a job with at least dataset and baseModel is required"));
            throw InvalidArgumentException.fields(v);
        }
        if (body.displayName() != null && body.displayName().length() > MAX_DISPLAY_NAME) {
            v.add(new FieldViolation("displayName", "must be at most " + MAX_DISPLAY_NAME + " characters"));
        }
        DatasetName dataset = body.dataset() == null || body.dataset().isEmpty()
                ? missing(v, "dataset", "the training dataset, e.g. accounts/" + account + "/datasets/my-data")
                : parse(v, "dataset", () -> DatasetName.parse("dataset", body.dataset()));
        DatasetName evaluation = body.evaluationDataset() == null || body.evaluationDataset().isEmpty()
                ? null
                : parse(v, "evaluationDataset", () -> DatasetName.parse("evaluationDataset",
                        body.evaluationDataset()));
        if (body.warmStartFrom() != null && !body.warmStartFrom().isEmpty()) {
            v.add(new FieldViolation("warmStartFrom", "continuing the training of an addon is not supported; name "
                    + "its base model in baseModel"));
        }
        ModelName base = body.baseModel() == null || body.baseModel().isEmpty()
                ? missing(v, "baseModel", "the model to fine-tune, e.g. accounts/fireworks/models/"
                        + "llama-v3p1-8b-instruct")
                : parse(v, "baseModel", () -> ModelName.parse("baseModel", body.baseModel()));
        String id = jobId;
        ModelName output = null;
        String out = body.outputModel();
        if (out != null && !out.isEmpty()) {
            if (out.contains("/")) {
                output = parse(v, "outputModel", () -> ModelName.parse("outputModel", out));
                if (output != null && !output.account().equals(account)) {
                    v.add(new FieldViolation("outputModel", "must be a model of account " + account + ", got '"
                            + out + "'"));
                }
            } else if (!ResourceIds.isValid(out)) {
                v.add(new FieldViolation("outputModel", "'" + out + "' is not a valid model ID"));
            } else {
                output = new ModelName(account, out);
            }
        } else if (id != null && ResourceIds.isValid(id)) {
            output = new ModelName(account, id);
        }
        int epochs = body.epochs() == null ? DEFAULT_EPOCHS : body.epochs();
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            v.add(new FieldViolation("epochs", "must be from 1 to " + MAX_EPOCHS + ", got " + epochs));
        }
        double rate = body.learningRate() == null ? DEFAULT_LEARNING_RATE : body.learningRate();
        if (!(rate > 0) || rate > 1) {
            v.add(new FieldViolation("learningRate", "must be above 0 and at most 1, got " + body.learningRate()));
        }
        int rank = body.loraRank() == null ? DEFAULT_LORA_RANK : body.loraRank();
        if (!LORA_RANKS.contains(rank)) {
            v.add(new FieldViolation("loraRank", "must be one of 4, 8, 16, 32, 64, got " + rank));
        }
        if (body.maxContextLength() != null && body.maxContextLength() < 1) {
            v.add(new FieldViolation("maxContextLength", "must be at least 1, got " + body.maxContextLength()));
        }
        if (body.batchSize() != null && body.batchSize() < 1) {
            v.add(new FieldViolation("batchSize", "must be at least 1, got " + body.batchSize()));
        }
        if (body.learningRateWarmupSteps() != null && body.learningRateWarmupSteps() < 0) {
            v.add(new FieldViolation("learningRateWarmupSteps", "must be 0 or more, got "
                    + body.learningRateWarmupSteps()));
        }
        if (body.gradientAccumulationSteps() != null && body.gradientAccumulationSteps() < 1) {
            v.add(new FieldViolation("gradientAccumulationSteps", "must be at least 1, got "
                    + body.gradientAccumulationSteps()));
        }
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return new SftRequest(id, body.displayName(), dataset, evaluation, base, output, epochs, rate, rank,
                body.maxContextLength(), body.batchSize(), body.learningRateWarmupSteps(),
                body.gradientAccumulationSteps());
    }

    /** This request with a generated job ID (and the output model named after it when none was given). */
    SftRequest withJobId(String account, String generated) {
        return new SftRequest(generated, displayName, dataset, evaluationDataset, baseModel,
                outputModel != null ? outputModel : new ModelName(account, generated), epochs, learningRate,
                loraRank, maxContextLength, batchSize, warmupSteps, gradientAccumulationSteps);
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
                v.addAll(e.violations());
            }
            return null;
        }
    }
}
