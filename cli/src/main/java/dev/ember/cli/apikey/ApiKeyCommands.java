package dev.ember.cli.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.CliException;
import dev.ember.cli.CommandGroup;
import dev.ember.cli.ExitCodes;
import dev.ember.cli.Json;
import dev.ember.cli.MutatingCommand;
import dev.ember.cli.Request;
import dev.ember.cli.ResourceCommands;
import dev.ember.cli.Session;
import dev.ember.cli.Table;
import dev.ember.cli.user.Identity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ember api-key create|list|delete}: a user's API keys, the CLI's own user's by default. */
@Command(name = "api-key", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "API keys of a user (by default the one whose key the CLI uses).", subcommands = {
        ApiKeyCommands.Create.class, ApiKeyCommands.List.class, ApiKeyCommands.Delete.class})
public final class ApiKeyCommands extends CommandGroup {

    /** {@code --user}, or the user of the CLI's own key. */
    static String user(Session s, String user) {
        if (user != null) {
            return user;
        }
        String me = Identity.resolve(s).userId();
        if (me == null) {
            throw new CliException(ExitCodes.USAGE, "cannot tell which user this API key belongs to in account '"
                    + s.account() + "'; name one with --user");
        }
        return me;
    }

    static String keysPath(Session s, String user) {
        return "/v1/accounts/" + s.account() + "/users/" + user + "/apiKeys";
    }

    @Command(name = "create", description = "Creates an API key; the secret is shown once, now.")
    static final class Create extends MutatingCommand {

        @Option(names = "--user", paramLabel = "USER", description = "User ID (default: the CLI's own user).")
        String user;

        @Option(names = "--display-name", paramLabel = "TEXT", description = "Name to recognise the key by.")
        String displayName;

        @Option(names = "--expire-time", paramLabel = "TIME", description = "When it stops working (RFC 3339, e.g. 2027-01-01T00:00:00Z).")
        String expireTime;

        @Override
        protected int run(Session s) {
            ObjectNode key = Json.object();
            if (displayName != null) {
                key.put("displayName", displayName);
            }
            if (expireTime != null) {
                key.put("expireTime", expireTime);
            }
            ObjectNode body = Json.object();
            body.set("apiKey", key);
            String owner = dryRun() && user == null ? "<your user>" : user(s, user);
            JsonNode created = s.send(Request.post(keysPath(s, owner), body));
            if (created == null) {
                return 0;
            }
            s.output().resource(created);
            if (!s.json()) {
                s.err().println("Keep the key now: it is never shown again.");
                s.err().flush();
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Lists a user's API keys (never their secrets).")
    static final class List extends ResourceCommands.List {

        @Option(names = "--user", paramLabel = "USER", description = "User ID (default: the CLI's own user).")
        String user;

        List() {
            super("apiKeys", answer -> {
                Table table = Table.of("KEY ID", "DISPLAY NAME", "PREFIX", "CREATED", "EXPIRES", "LAST USED");
                for (JsonNode k : answer.path("apiKeys")) {
                    table.row(k.path("keyId").asText(), k.path("displayName").asText(""), k.path("prefix").asText(""),
                            Table.time(k.path("createTime").asText("")), Table.time(k.path("expireTime").asText("")),
                            Table.time(k.path("lastUsed").asText("")));
                }
                return table;
            });
        }

        @Override
        protected String path(Session s) {
            return keysPath(s, user(s, user));
        }
    }

    @Command(name = "delete", description = "Revokes an API key: refused from now on, everywhere within a second.")
    static final class Delete extends MutatingCommand {

        @Parameters(paramLabel = "KEY_ID", description = "The key's ID (see api-key list).")
        String keyId;

        @Option(names = "--user", paramLabel = "USER", description = "User ID (default: the CLI's own user).")
        String user;

        @Override
        protected int run(Session s) {
            String owner = dryRun() && user == null ? "<your user>" : user(s, user);
            JsonNode answer = s.send(Request.post(keysPath(s, owner) + ":delete", Json.object().put("keyId", keyId)));
            if (answer == null) {
                return 0;
            }
            s.output().done(answer, "Revoked API key " + keyId + " of user " + owner);
            return 0;
        }
    }
}
