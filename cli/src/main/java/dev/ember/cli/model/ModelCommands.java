package dev.ember.cli.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.ApiClient;
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

/** {@code ember model create|get|list|delete|upload}: custom base models and LoRA addons, and the catalog. */
@Command(name = "model", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Models: the public catalog, your base models and LoRA addons.", subcommands = {
        ModelCommands.Create.class, ModelCommands.Get.class, ModelCommands.List.class, ModelCommands.Delete.class,
        ModelCommands.Upload.class})
public final class ModelCommands extends CommandGroup {

    static final String COLLECTION = "models";
    static final String BASE_MODEL = "HF_BASE_MODEL";
    static final String LORA = "HF_PEFT_ADDON";

    static String name(Session s, String idOrName) {
        return Names.of(s.account(), COLLECTION, idOrName);
    }

    @Command(name = "create", description = {"Creates a model; with PATH, uploads its files too.",
            "A LoRA addon names its --base-model; its rank comes from --lora-rank or PATH/adapter_config.json."})
    static final class Create extends MutatingCommand {

        @Parameters(index = "0", paramLabel = "MODEL_ID", description = "ID of the new model.")
        String modelId;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Folder (or file) to upload.")
        Path path;

        @Option(names = "--kind", paramLabel = "KIND", description = "HF_BASE_MODEL or HF_PEFT_ADDON (default: HF_PEFT_ADDON with --base-model, else HF_BASE_MODEL).")
        String kind;

        @Option(names = "--base-model", paramLabel = "MODEL", description = "A LoRA addon's base model (catalog ID or name).")
        String baseModel;

        @Option(names = "--lora-rank", paramLabel = "R", description = "A LoRA addon's rank r.")
        Integer loraRank;

        @Option(names = "--parameter-count", paramLabel = "N", description = "A base model's parameter count.")
        Long parameterCount;

        @Option(names = "--context-length", paramLabel = "N", description = "Context length.")
        Integer contextLength;

        @Option(names = "--display-name", paramLabel = "TEXT", description = "Human-readable name.")
        String displayName;

        @Option(names = "--description", paramLabel = "TEXT", description = "Description.")
        String description;

        @Override
        protected int run(Session s) throws IOException {
            String modelKind = kind != null ? kind : baseModel != null ? LORA : BASE_MODEL;
            ObjectNode model = Json.object().put("kind", modelKind);
            if (displayName != null) {
                model.put("displayName", displayName);
            }
            if (description != null) {
                model.put("description", description);
            }
            if (contextLength != null) {
                model.put("contextLength", contextLength);
            }
            if (LORA.equals(modelKind)) {
                ObjectNode peft = model.putObject("peftDetails");
                if (baseModel != null) {
                    peft.put("baseModel", Names.baseModel(baseModel));
                }
                Integer rank = loraRank != null ? loraRank : rankFromAdapterConfig();
                if (rank != null) {
                    peft.put("r", rank);
                }
            } else if (parameterCount != null) {
                model.putObject("baseModelDetails").put("parameterCount", parameterCount.toString());
            }
            ObjectNode body = Json.object().put("modelId", modelId);
            body.set("model", model);
            JsonNode created = s.send(Request.post("/v1/accounts/" + s.account() + "/models", body));
            if (created == null) {
                return 0;
            }
            if (path != null) {
                created = dev.ember.cli.Upload.upload(s, created.path("name").asText(),
                        dev.ember.cli.Upload.files(path));
            }
            s.output().resource(created);
            return 0;
        }

        private Integer rankFromAdapterConfig() throws IOException {
            Path config = path == null ? null : path.resolve("adapter_config.json");
            if (config == null || !Files.isRegularFile(config)) {
                return null;
            }
            JsonNode r = ApiClient.parse(Files.readString(config)).path("r");
            return r.isInt() ? r.asInt() : null;
        }
    }

    @Command(name = "upload", description = {"Uploads a model's files and validates them.",
            "Every file under PATH (or PATH alone) goes to its signed URL, with a progress bar; then the upload is"
                    + " validated and the model becomes READY."})
    static final class Upload extends MutatingCommand {

        @Parameters(index = "0", paramLabel = "MODEL", description = "Model ID or name.")
        String model;

        @Parameters(index = "1", paramLabel = "PATH", description = "Folder (or file) to upload.")
        Path path;

        @Override
        protected int run(Session s) {
            JsonNode uploaded = dev.ember.cli.Upload.upload(s, name(s, model), dev.ember.cli.Upload.files(path));
            if (uploaded != null) {
                s.output().resource(uploaded);
            }
            return 0;
        }
    }

    @Command(name = "get", description = {"Shows a model.",
            "ID is a model of this account; a full name may be any model's (accounts/fireworks/models/... for the"
                    + " catalog)."})
    static final class Get extends ResourceCommands.Get {

        Get() {
            super(COLLECTION);
        }
    }

    @Command(name = "list", description = "Lists the account's models, or with --catalog the public catalog.")
    static final class List extends ResourceCommands.List {

        @Option(names = "--catalog", description = "The public catalog (account fireworks) instead.")
        boolean catalog;

        List() {
            super(COLLECTION, ModelCommands::table);
        }

        @Override
        protected String path(Session s) {
            return "/v1/accounts/" + (catalog ? Names.CATALOG_ACCOUNT : s.account()) + "/" + COLLECTION;
        }
    }

    /** ID, kind, state, base model, created. */
    static Table table(JsonNode answer) {
        Table table = Table.of("ID", "KIND", "STATE", "BASE MODEL", "CREATED");
        for (JsonNode m : answer.path(COLLECTION)) {
            table.row(Names.id(m.path("name").asText()), m.path("kind").asText(), m.path("state").asText(),
                    m.path("peftDetails").path("baseModel").asText(""),
                    Table.time(m.path("createTime").asText("")));
        }
        return table;
    }

    @Command(name = "delete", description = "Deletes a model (not while it is loaded or deployed).")
    static final class Delete extends ResourceCommands.Delete {

        Delete() {
            super(COLLECTION);
        }
    }
}
