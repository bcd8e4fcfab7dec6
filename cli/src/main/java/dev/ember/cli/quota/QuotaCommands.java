package dev.ember.cli.quota;

import com.fasterxml.jackson.databind.JsonNode;

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
import picocli.CommandLine.Parameters;

/** {@code ember quota list|update}: GPU quotas, one per accelerator type and region. */
@Command(name = "quota", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "GPU quotas of the account, one per accelerator type and region.", subcommands = {
        QuotaCommands.List.class, QuotaCommands.Update.class})
public final class QuotaCommands extends CommandGroup {

    @Command(name = "list", description = "Lists the account's quotas and their usage.")
    static final class List extends ApiCommand {

        @Mixin
        ListOptions list;

        @Override
        protected int run(Session s) {
            JsonNode answer = s.call(list.apply(Request.get("/v1/accounts/" + s.account() + "/quotas")));
            Table table = Table.of("QUOTA", "VALUE", "MAX", "USAGE");
            for (JsonNode q : answer.path("quotas")) {
                table.row(Names.id(q.path("name").asText()), q.path("value").asText(""),
                        q.path("maxValue").asText(""), q.has("usage") ? trim(q.path("usage").asDouble()) : "");
            }
            s.output().list(answer, table);
            list.printNextPage(s, answer);
            return 0;
        }

        private static String trim(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    @Command(name = "update", description = "Sets a quota's value (GPUs), up to its maximum.")
    static final class Update extends MutatingCommand {

        @Parameters(paramLabel = "QUOTA", description = "Quota ID such as h100-us-iowa-1, or its name.")
        String quota;

        @Option(names = "--value", required = true, paramLabel = "N", description = "The new value.")
        long value;

        @Override
        protected int run(Session s) {
            JsonNode updated = s.send(Request.patch(Names.path(Names.of(s.account(), "quotas", quota)),
                    Json.object().put("value", Long.toString(value))));
            if (updated != null) {
                s.output().resource(updated);
            }
            return 0;
        }
    }
}
