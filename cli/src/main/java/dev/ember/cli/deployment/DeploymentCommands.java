package dev.ember.cli.deployment;

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

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ember deployment create|get|list|update|delete|undelete|scale}. */
@Command(name = "deployment", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Dedicated deployments of a model.", subcommands = {
        DeploymentCommands.Create.class, DeploymentCommands.Get.class, DeploymentCommands.List.class,
        DeploymentCommands.Update.class, DeploymentCommands.Delete.class, DeploymentCommands.Undelete.class,
        DeploymentCommands.Scale.class})
public final class DeploymentCommands extends CommandGroup {

    static final String COLLECTION = "deployments";

    static String name(Session s, String idOrName) {
        return Names.of(s.account(), COLLECTION, idOrName);
    }

    static JsonNode get(Session s, String name) {
        return s.call(Request.get(Names.path(name)));
    }

    /** Prints the deployment, after waiting for it when asked. */
    static int finish(Session s, JsonNode deployment, WaitOptions wait, Integer replicas) {
        if (wait.enabled()) {
            String name = deployment.path("name").asText();
            deployment = Wait.until(s, "deployment " + Names.id(name), () -> get(s, name),
                    DeploymentView.ready(replicas), wait.timeout());
        }
        s.output().resource(deployment);
        return 0;
    }

    @Command(name = "create", description = {"Creates a deployment of a model.",
            "MODEL is a catalog ID such as llama-v3p1-8b-instruct, or a model name.",
            "With --wait, shows its progress until it is READY."})
    static final class Create extends MutatingCommand {

        @Parameters(paramLabel = "MODEL", description = "Base model: catalog ID or accounts/<a>/models/<m>.")
        String model;

        @Option(names = "--deployment-id", paramLabel = "ID", description = "ID of the new deployment (default: generated).")
        String deploymentId;

        @Option(names = "--validate-only", description = "Check the request (hardware fit, quota) without creating anything.")
        boolean validateOnly;

        @Mixin
        DeploymentSpecOptions fields;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            ObjectNode body = Json.object();
            body.put("baseModel", Names.baseModel(model));
            fields.apply(body);
            Request request = Request.post("/v1/accounts/" + s.account() + "/deployments", body)
                    .param("deploymentId", deploymentId)
                    .param("validateOnly", validateOnly ? "true" : null);
            JsonNode created = s.send(request);
            if (created == null) {
                return 0;
            }
            if (validateOnly) {
                s.output().line("Valid: the deployment can be created as requested.");
                if (s.json()) {
                    s.output().json(created);
                }
                return 0;
            }
            return finish(s, created, wait, null);
        }
    }

    @Command(name = "get", description = "Shows a deployment.")
    static final class Get extends ResourceCommands.Get {

        Get() {
            super(COLLECTION);
        }
    }

    @Command(name = "list", description = "Lists the account's deployments.")
    static final class List extends ResourceCommands.List {

        @Option(names = "--show-deleted", description = "Include deleted deployments not yet purged.")
        boolean showDeleted;

        List() {
            super(COLLECTION, answer -> {
                Table table = DeploymentView.table();
                answer.path(COLLECTION).forEach(d -> DeploymentView.addRow(table, d));
                return table;
            });
        }

        @Override
        protected Request query(Request request) {
            return request.param("showDeleted", showDeleted ? "true" : null);
        }
    }

    @Command(name = "update", description = {"Changes the fields given by flags; others stay as they are.",
            "New hardware replaces the replicas one at a time (UPDATING); --wait shows it."})
    static final class Update extends MutatingCommand {

        @Parameters(paramLabel = "DEPLOYMENT", description = "Deployment ID or name.")
        String deployment;

        @Mixin
        DeploymentSpecOptions fields;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            ObjectNode body = Json.object();
            fields.apply(body);
            if (body.isEmpty()) {
                throw usage("Nothing to update: give at least one field flag, e.g. --max-replica-count 2.");
            }
            JsonNode updated = s.send(Request.patch(Names.path(name(s, deployment)), body)
                    .param("updateMask", DeploymentSpecOptions.updateMask(body)));
            return updated == null ? 0 : finish(s, updated, wait, null);
        }
    }

    @Command(name = "delete", description = {"Deletes a deployment.",
            "It can be restored with undelete until its purge time, unless --hard."})
    static final class Delete extends MutatingCommand {

        @Parameters(paramLabel = "DEPLOYMENT", description = "Deployment ID or name.")
        String deployment;

        @Option(names = "--hard", description = "Purge it now; it cannot be undeleted.")
        boolean hard;

        @Override
        protected int run(Session s) {
            String name = name(s, deployment);
            JsonNode answer = s.send(Request.delete(Names.path(name)).param("hard", hard ? "true" : null));
            if (answer == null) {
                return 0;
            }
            s.output().done(answer, "Deleted " + name + (hard
                    ? "."
                    : "; restore it with: ember deployment undelete "
                            + Names.id(name)));
            return 0;
        }
    }

    @Command(name = "undelete", description = "Restores a deleted deployment before its purge time.")
    static final class Undelete extends MutatingCommand {

        @Parameters(paramLabel = "DEPLOYMENT", description = "Deployment ID or name.")
        String deployment;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            JsonNode restored = s.send(Request.post(Names.path(name(s, deployment)) + ":undelete",
                    Json.object()));
            return restored == null ? 0 : finish(s, restored, wait, null);
        }
    }

    @Command(name = "scale", description = {"Sets the number of replicas now.",
            "Within the replica bounds; the autoscaler takes over again by its rules."})
    static final class Scale extends MutatingCommand {

        @Parameters(paramLabel = "DEPLOYMENT", description = "Deployment ID or name.")
        String deployment;

        @Option(names = "--replica-count", required = true, paramLabel = "N", description = "Replicas wanted.")
        int replicaCount;

        @Mixin
        WaitOptions wait;

        @Override
        protected int run(Session s) {
            String name = name(s, deployment);
            ObjectNode body = Json.object().put("replicaCount", replicaCount);
            JsonNode answer = s.send(Request.post(Names.path(name) + ":scale", body));
            if (answer == null) {
                return 0;
            }
            if (wait.enabled()) {
                return finish(s, get(s, name), wait, replicaCount);
            }
            s.output().done(answer, "Scaling " + name + " to " + replicaCount + " replicas.");
            return 0;
        }
    }

}
