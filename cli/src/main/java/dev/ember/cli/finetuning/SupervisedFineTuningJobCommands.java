package dev.ember.cli.finetuning;

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
import dev.ember.cli.Wait;
import dev.ember.cli.WaitOptions;
import dev.ember.cli.dataset.DatasetCommands;
import dev.ember.cli.job.JobView;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember sftj create|get|list|cancel|resume|delete}: supervised fine-tuning jobs, which train a LoRA addon of a
 * base model on a dataset; the addon is a READY model of the account once the job is COMPLETED.
 */
@Command(name = "sftj", aliases = "supervised-fine-tuning-job", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Supervised fine-tuning jobs: a LoRA addon trained on a dataset.", subcommands = {
        SupervisedFineTuningJobCommands.Create.class, SupervisedFineTuningJobCommands.Get.class,
        SupervisedFineTuningJobCommands.List.class, SupervisedFineTuningJobCommands.Cancel.class,
        SupervisedFineTuningJobCommands.Resume.class, SupervisedFineTuningJobCommands.Delete.class})
public final class SupervisedFineTuningJobCommands extends CommandGroup {

    static final String COLLECTION = "supervisedFineTuningJobs";

    static String name(Session s, String idOrName) {
        return Names.of(s.account(), COLLECTION, idOrName);
    }

    static void waitAndPrint(Session s, JsonNode job, WaitOptions wait, Wait.Target target) {
        JobView.waitAndPrint(s, "fine-tuning job", job, wait, target);
    }

    @Command(name = "create", description = {"Creates a supervised fine-tuning job.",
            "It trains a LoRA addon of --base-model on --dataset (READY); once COMPLETED the addon is the READY model"
                    + " --output-model (default: the job ID), ready for load-lora."})
    static final class Create extends MutatingCommand {

        @Option(names = "--base-model", required = true, paramLabel = "MODEL", description = "The model to fine-tune (catalog ID or name).")
        String baseModel;

        @Option(names = "--dataset", required = true, paramLabel = "DATASET", description = "The training dataset (ID or name).")
        String dataset;

        @Option(names = "--output-model", paramLabel = "MODEL", description = "ID (or name) of the LoRA addon to create (default: the job ID).")
        String outputModel;

        @Option(names = "--job-id", paramLabel = "ID", description = "ID of the job (default: a random one).")
        String jobId;

        @Option(names = "--epochs", paramLabel = "N", description = "Passes over the dataset (the API's default: 1).")
        Integer epochs;

        @Option(names = "--learning-rate", paramLabel = "RATE", description = "Learning rate.")
        Float learningRate;

        @Option(names = "--lora-rank", paramLabel = "R", description = "Rank r of the LoRA addon.")
        Integer loraRank;

        @Option(names = "--max-context-length", paramLabel = "N", description = "Longest example, in tokens.")
        Integer maxContextLength;

        @Option(names = "--display-name", paramLabel = "TEXT", description = "Human-readable name.")
        String displayName;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            ObjectNode body = Json.object();
            if (displayName != null) {
                body.put("displayName", displayName);
            }
            body.put("dataset", DatasetCommands.name(s, dataset));
            body.put("baseModel", Names.baseModel(baseModel));
            if (outputModel != null) {
                body.put("outputModel", Names.of(s.account(), "models", outputModel));
            }
            if (epochs != null) {
                body.put("epochs", epochs);
            }
            if (learningRate != null) {
                body.put("learningRate", learningRate);
            }
            if (loraRank != null) {
                body.put("loraRank", loraRank);
            }
            if (maxContextLength != null) {
                body.put("maxContextLength", maxContextLength);
            }
            JsonNode created = s.send(Request.post("/v1/accounts/" + s.account() + "/" + COLLECTION, body)
                    .param("supervisedFineTuningJobId", jobId));
            if (created != null) {
                waitAndPrint(s, created, wait, JobView.completed());
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Shows a fine-tuning job, its state and progress.")
    static final class Get extends ResourceCommands.Get {

        Get() {
            super(COLLECTION);
        }
    }

    @Command(name = "list", description = "Lists the account's fine-tuning jobs.")
    static final class List extends ResourceCommands.List {

        List() {
            super(COLLECTION, SupervisedFineTuningJobCommands::table);
        }
    }

    /** ID, state, progress, base model, dataset and output model IDs, created. */
    static Table table(JsonNode answer) {
        Table table = Table.of("ID", "STATE", "PROGRESS", "BASE MODEL", "DATASET", "OUTPUT MODEL", "CREATED");
        for (JsonNode j : answer.path(COLLECTION)) {
            table.row(Names.id(j.path("name").asText()), JobView.state(j), JobView.progress(j),
                    j.path("baseModel").asText(""), Names.id(j.path("dataset").asText("")),
                    Names.id(j.path("outputModel").asText("")), Table.time(j.path("createTime").asText("")));
        }
        return table;
    }

    @Command(name = "cancel", description = {"Cancels a fine-tuning job and frees its GPUs.",
            "A cancelled job keeps its progress and can be resumed."})
    static final class Cancel extends MutatingCommand {

        @Parameters(paramLabel = "JOB", description = "Job ID or name.")
        String job;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            String name = name(s, job);
            if (s.send(Request.post(Names.path(name) + ":cancel", null)) == null) {
                return 0;
            }
            waitAndPrint(s, s.call(Request.get(Names.path(name))), wait, JobView.cancelled());
            return 0;
        }
    }

    @Command(name = "resume", description = "Runs a cancelled or failed fine-tuning job again from where it was.")
    static final class Resume extends MutatingCommand {

        @Parameters(paramLabel = "JOB", description = "Job ID or name.")
        String job;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            JsonNode resumed = s.send(Request.post(Names.path(name(s, job)) + ":resume", null));
            if (resumed != null) {
                waitAndPrint(s, resumed, wait, JobView.completed());
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a fine-tuning job.")
    static final class Delete extends ResourceCommands.Delete {

        Delete() {
            super(COLLECTION);
        }
    }
}
