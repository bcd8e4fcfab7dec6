package dev.ember.cli.batchinference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.CommandGroup;
import dev.ember.cli.Json;
import dev.ember.cli.MutatingCommand;
import dev.ember.cli.Names;
import dev.ember.cli.Request;
import dev.ember.cli.ResourceCommands;
import dev.ember.cli.Session;
import dev.ember.cli.Table;
import dev.ember.cli.WaitOptions;
import dev.ember.cli.dataset.DatasetCommands;
import dev.ember.cli.job.JobView;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ember batch-inference-job create|get|list|delete}: every row of a dataset answered by a model, the answers
 * written to another dataset.
 */
@Command(name = "batch-inference-job", aliases = "bij", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Batch inference jobs: a dataset of requests answered by a model into another dataset.", subcommands = {
        BatchInferenceJobCommands.Create.class, BatchInferenceJobCommands.Get.class,
        BatchInferenceJobCommands.List.class, BatchInferenceJobCommands.Delete.class})
public final class BatchInferenceJobCommands extends CommandGroup {

    static final String COLLECTION = "batchInferenceJobs";

    static String name(Session s, String idOrName) {
        return Names.of(s.account(), COLLECTION, idOrName);
    }

    @Command(name = "create", description = {"Creates a batch inference job.",
            "Every row of --input-dataset (READY) is answered by --model; the answers are the dataset"
                    + " --output-dataset (default: the job ID with -output), READY once the job is COMPLETED."})
    static final class Create extends MutatingCommand {

        @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model to run: a catalog ID, or a model name (accounts/<a>/models/<m>).")
        String model;

        @Option(names = "--input-dataset", required = true, paramLabel = "DATASET", description = "The dataset of requests (ID or name).")
        String inputDataset;

        @Option(names = "--output-dataset", paramLabel = "DATASET", description = "ID (or name) of the new dataset of answers (default: <job ID>-output).")
        String outputDataset;

        @Option(names = "--job-id", paramLabel = "ID", description = "ID of the job (default: a random one).")
        String jobId;

        @Option(names = "--display-name", paramLabel = "TEXT", description = "Human-readable name.")
        String displayName;

        @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per answer.")
        Integer maxTokens;

        @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 to 2.")
        Float temperature;

        @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling: above 0, at most 1.")
        Float topP;

        @Option(names = "--top-k", paramLabel = "K", description = "Sample from the K likeliest tokens.")
        Integer topK;

        @Option(names = "--n", paramLabel = "N", description = "Answers per row.")
        Integer n;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            ObjectNode body = Json.object();
            if (displayName != null) {
                body.put("displayName", displayName);
            }
            body.put("model", Names.baseModel(model));
            body.put("inputDatasetId", DatasetCommands.name(s, inputDataset));
            if (outputDataset != null) {
                body.put("outputDatasetId", DatasetCommands.name(s, outputDataset));
            }
            ObjectNode parameters = Json.object();
            if (maxTokens != null) {
                parameters.put("maxTokens", maxTokens);
            }
            if (temperature != null) {
                parameters.put("temperature", temperature);
            }
            if (topP != null) {
                parameters.put("topP", topP);
            }
            if (topK != null) {
                parameters.put("topK", topK);
            }
            if (n != null) {
                parameters.put("n", n);
            }
            if (!parameters.isEmpty()) {
                body.set("inferenceParameters", parameters);
            }
            JsonNode job = s.send(Request.post("/v1/accounts/" + s.account() + "/" + COLLECTION, body)
                    .param("batchInferenceJobId", jobId));
            if (job != null) {
                JobView.waitAndPrint(s, "batch inference job", job, wait, JobView.completed());
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Shows a batch inference job, its state and progress.")
    static final class Get extends ResourceCommands.Get {

        Get() {
            super(COLLECTION);
        }
    }

    @Command(name = "list", description = "Lists the account's batch inference jobs.")
    static final class List extends ResourceCommands.List {

        List() {
            super(COLLECTION, BatchInferenceJobCommands::table);
        }
    }

    /** ID, state, progress, model, input and output dataset IDs, created. */
    static Table table(JsonNode answer) {
        Table table = Table.of("ID", "STATE", "PROGRESS", "MODEL", "INPUT", "OUTPUT", "CREATED");
        for (JsonNode j : answer.path(COLLECTION)) {
            table.row(Names.id(j.path("name").asText()), JobView.state(j), JobView.progress(j),
                    j.path("model").asText(""), Names.id(j.path("inputDatasetId").asText("")),
                    Names.id(j.path("outputDatasetId").asText("")), Table.time(j.path("createTime").asText("")));
        }
        return table;
    }

    @Command(name = "delete", description = "Deletes a batch inference job; a COMPLETED one's output dataset stays, an unfinished one's goes.")
    static final class Delete extends ResourceCommands.Delete {

        Delete() {
            super(COLLECTION);
        }
    }
}
