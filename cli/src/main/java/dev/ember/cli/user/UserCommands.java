package dev.ember.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.ApiCommand;
import dev.ember.cli.CommandGroup;
import dev.ember.cli.Json;
import dev.ember.cli.ListOptions;
import dev.ember.cli.MutatingCommand;
import dev.ember.cli.Names;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Table;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ember user create|list}. */
@Command(name = "user", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "The account's users.", subcommands = {
        UserCommands.Create.class, UserCommands.List.class})
public final class UserCommands extends CommandGroup {

    @Command(name = "create", description = {"Creates a user (admins only). Roles: admin, user, inference-user.",
            "Give it a key with: ember api-key create --user ID"})
    static final class Create extends MutatingCommand {

        @Option(names = "--user-id", paramLabel = "ID", description = "ID of the new user (default: from the email's local part).")
        String userId;

        @Option(names = "--role", paramLabel = "ROLE", defaultValue = "user", description = "admin, user or inference-user (default: ${DEFAULT-VALUE}).")
        String role;

        @Option(names = "--email", paramLabel = "EMAIL", description = "Email address.")
        String email;

        @Option(names = "--display-name", paramLabel = "TEXT", description = "Human-readable name.")
        String displayName;

        @Option(names = "--service-account", description = "A service account rather than a person.")
        boolean serviceAccount;

        @Override
        protected int run(Session s) {
            ObjectNode body = Json.object().put("role", role);
            if (email != null) {
                body.put("email", email);
            }
            if (displayName != null) {
                body.put("displayName", displayName);
            }
            if (serviceAccount) {
                body.put("serviceAccount", true);
            }
            JsonNode created = s.send(Request.post("/v1/accounts/" + s.account() + "/users", body)
                    .param("userId", userId));
            if (created != null) {
                s.output().resource(created);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the account's users.")
    static final class List extends ApiCommand {

        @Mixin
        ListOptions list;

        @Override
        protected int run(Session s) {
            JsonNode answer = s.call(list.apply(Request.get("/v1/accounts/" + s.account() + "/users")));
            Table table = Table.of("ID", "ROLE", "EMAIL", "STATE", "CREATED");
            for (JsonNode u : answer.path("users")) {
                table.row(Names.id(u.path("name").asText()), u.path("role").asText(), u.path("email").asText(""),
                        u.path("state").asText(""), Table.time(u.path("createTime").asText("")));
            }
            s.output().list(answer, table);
            list.printNextPage(s, answer);
            return 0;
        }
    }
}
