package dev.ember.cli.region;

import java.util.ArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.ApiCommand;
import dev.ember.cli.CommandGroup;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Table;

import picocli.CommandLine.Command;

/** {@code ember region list}. */
@Command(name = "region", synopsisSubcommandLabel = "COMMAND", mixinStandardHelpOptions = true, description = "Regions and the GPUs they offer.", subcommands = RegionCommands.List.class)
public final class RegionCommands extends CommandGroup {

    @Command(name = "list", description = "Lists the regions, their mega-region and free/total GPUs of each type.")
    static final class List extends ApiCommand {

        @Override
        protected int run(Session s) {
            JsonNode answer = s.call(Request.get("/v1/regions"));
            Table table = Table.of("REGION", "MEGA REGION", "GPUS (FREE/TOTAL)");
            for (JsonNode r : answer.path("regions")) {
                java.util.List<String> pools = new ArrayList<>();
                for (JsonNode pool : r.path("acceleratorTypes")) {
                    pools.add(pool.path("acceleratorType").asText() + " " + pool.path("freeGpus").asInt() + "/"
                            + pool.path("totalGpus").asInt());
                }
                table.row(r.path("region").asText(), r.path("megaRegion").asText(), String.join(", ", pools));
            }
            s.output().list(answer, table);
            return 0;
        }
    }
}
