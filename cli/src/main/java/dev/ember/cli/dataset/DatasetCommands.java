package dev.ember.cli.dataset;

import java.nio.file.Path;

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

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ember dataset create|upload|get|list|delete}: JSONL files of examples for fine-tuning and batch jobs. */
@Command(name = "dataset", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Datasets: JSONL files of examples for fine-tuning and batch inference jobs.", subcommands = {
        DatasetCommands.Create.class, DatasetCommands.Upload.class, DatasetCommands.Get.class,
        DatasetCommands.List.class, DatasetCommands.Delete.class})
public final class DatasetCommands extends CommandGroup {

    static final String COLLECTION = "datasets";

    /** {@code accounts/<account>/datasets/<id>}, or the full name given. */
    public static String name(Session s, String idOrName) {
        return Names.of(s.account(), COLLECTION, idOrName);
    }

    @Command(name = "create", description = {"Creates a dataset; with PATH, uploads its JSONL file and validates it.",
            "The dataset is UPLOADING until its file is uploaded and validated, then READY."})
    static final class Create extends MutatingCommand {

        @Parameters(index = "0", paramLabel = "DATASET_ID", description = "ID of the new dataset.")
        String datasetId;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "The JSONL file to upload.")
        Path path;

        @Option(names = "--display-name", paramLabel = "TEXT", description = "Human-readable name.")
        String displayName;

        @Option(names = "--format", paramLabel = "FORMAT", description = "CHAT or COMPLETION, enforced on every line (default: what the first line is).")
        String format;

        @Override
        protected int run(Session s) {
            ObjectNode dataset = Json.object();
            if (displayName != null) {
                dataset.put("displayName", displayName);
            }
            if (format != null) {
                dataset.put("format", format);
            }
            ObjectNode body = Json.object().put("datasetId", datasetId);
            body.set("dataset", dataset);
            JsonNode created = s.send(Request.post("/v1/accounts/" + s.account() + "/" + COLLECTION, body));
            if (created == null) {
                return 0;
            }
            if (path != null) {
                created = dev.ember.cli.Upload.upload(s, created.path("name").asText(),
                        dev.ember.cli.Upload.file(path));
            }
            s.output().resource(created);
            return 0;
        }
    }

    @Command(name = "upload", description = {"Uploads a dataset's JSONL file and validates it.",
            "The file goes to its signed URL with a progress bar; validation checks every line, counts the examples"
                    + " and makes the dataset READY."})
    static final class Upload extends MutatingCommand {

        @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset ID or name.")
        String dataset;

        @Parameters(index = "1", paramLabel = "PATH", description = "The JSONL file to upload.")
        Path path;

        @Override
        protected int run(Session s) {
            JsonNode uploaded = dev.ember.cli.Upload.upload(s, name(s, dataset), dev.ember.cli.Upload.file(path));
            if (uploaded != null) {
                s.output().resource(uploaded);
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Shows a dataset.")
    static final class Get extends ResourceCommands.Get {

        Get() {
            super(COLLECTION);
        }
    }

    @Command(name = "list", description = "Lists the account's datasets.")
    static final class List extends ResourceCommands.List {

        List() {
            super(COLLECTION, DatasetCommands::table);
        }
    }

    /** ID, state, format, examples, estimated tokens, created. */
    static Table table(JsonNode answer) {
        Table table = Table.of("ID", "STATE", "FORMAT", "EXAMPLES", "TOKENS", "CREATED");
        for (JsonNode d : answer.path("datasets")) {
            table.row(Names.id(d.path("name").asText()), d.path("state").asText(), d.path("format").asText(""),
                    d.path("exampleCount").asText(""), d.path("estimatedTokenCount").asText(""),
                    Table.time(d.path("createTime").asText("")));
        }
        return table;
    }

    @Command(name = "delete", description = "Deletes a dataset and its file.")
    static final class Delete extends ResourceCommands.Delete {

        Delete() {
            super(COLLECTION);
        }
    }
}
