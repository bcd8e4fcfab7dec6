package dev.ember.cli.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.ApiCommand;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Table;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ember usage}: the account's billing usage (Fireworks' GetAccountUsage) in daily buckets. */
@Command(name = "usage", description = "Shows GPU time of deployments and serverless tokens, in daily buckets, with their cost.")
public final class UsageCommand extends ApiCommand {

    @Option(names = "--start-time", paramLabel = "TIME", description = "RFC 3339 start (default: 7 days ago).")
    String startTime;

    @Option(names = "--end-time", paramLabel = "TIME", description = "RFC 3339 end (default: now).")
    String endTime;

    @Option(names = "--usage-type", paramLabel = "TYPE", description = "Only this usage type.")
    String usageType;

    @Override
    protected int run(Session s) {
        Instant now = s.env().clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Request request = Request.get("/v1/accounts/" + s.account() + "/billingUsage")
                .param("startTime", startTime != null ? startTime : now.minus(Duration.ofDays(7)).toString())
                .param("endTime", endTime != null ? endTime : now.toString())
                .param("usageType", usageType);
        JsonNode answer = s.call(request);
        if (s.json()) {
            s.output().json(answer);
            return 0;
        }
        Table dedicated = Table.of("DEPLOYMENT", "ACCELERATOR", "GPU HOURS", "COST (USD)", "DAY");
        for (JsonNode d : answer.path("dedicatedCosts")) {
            dedicated.row(d.path("deploymentId").asText(""), d.path("acceleratorType").asText(""),
                    String.format(java.util.Locale.ROOT, "%.2f", d.path("acceleratorSeconds").asDouble() / 3600),
                    d.path("cost").asText(""), day(d));
        }
        Table serverless = Table.of("MODEL", "PROMPT TOKENS", "COMPLETION TOKENS", "COST (USD)", "DAY");
        for (JsonNode d : answer.path("serverlessCosts")) {
            serverless.row(d.path("modelName").asText(""), d.path("promptTokens").asText(""),
                    d.path("completionTokens").asText(""), d.path("cost").asText(""), day(d));
        }
        s.out().println("Dedicated deployments:");
        s.out().print(dedicated.render());
        s.out().println();
        s.out().println("Serverless:");
        s.out().print(serverless.render());
        s.out().flush();
        return 0;
    }

    private static String day(JsonNode bucket) {
        String start = bucket.path("startTime").asText("");
        return start.length() >= 10 ? start.substring(0, 10) : start;
    }
}
