package dev.ember.cli.shape;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.ApiCommand;
import dev.ember.cli.CommandGroup;
import dev.ember.cli.ListOptions;
import dev.ember.cli.Names;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Table;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ember deployment-shape-version list --base-model M}. */
@Command(name = "deployment-shape-version", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Versions of deployment shapes (FAST, THROUGHPUT, MINIMAL) of a base model.", subcommands = DeploymentShapeVersionCommands.List.class)
public final class DeploymentShapeVersionCommands extends CommandGroup {

    @Command(name = "list", description = "Lists every shape version for a base model; pass a name to create --deployment-shape.")
    static final class List extends ApiCommand {

        @Option(names = "--base-model", required = true, paramLabel = "MODEL", description = "Catalog ID or model name.")
        String baseModel;

        @Mixin
        ListOptions list;

        @Override
        protected int run(Session s) {
            String model = Names.baseModel(baseModel);
            Request request = list.apply(Request.get("/v1/accounts/" + Names.account(model)
                    + "/deploymentShapes/-/versions"));
            String modelFilter = "baseModel=\"" + model + "\"";
            request.query().put("filter", request.query().containsKey("filter")
                    ? modelFilter + " AND (" + request.query().get("filter") + ")"
                    : modelFilter);
            JsonNode answer = s.call(request);
            Table table = Table.of("NAME", "PRESET", "ACCELERATORS", "PRECISION", "LATEST");
            for (JsonNode v : answer.path("deploymentShapeVersions")) {
                JsonNode shape = v.path("snapshot");
                table.row(v.path("name").asText(), shape.path("presetType").asText(""),
                        shape.path("acceleratorCount").asInt(1) + " x " + shape.path("acceleratorType").asText(),
                        shape.path("precision").asText(""), v.path("latestValidated").asBoolean() ? "yes" : "");
            }
            s.output().list(answer, table);
            list.printNextPage(s, answer);
            return 0;
        }
    }
}
