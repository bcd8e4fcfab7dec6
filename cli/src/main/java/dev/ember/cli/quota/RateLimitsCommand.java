package dev.ember.cli.quota;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.ApiCommand;
import dev.ember.cli.Request;
import dev.ember.cli.Session;
import dev.ember.cli.Table;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ember rate-limits}: the account's serverless rate limits (Fireworks' ListAccountServerlessRateLimits), one
 * row per serverless deployment. The API gives each limit per second and metric; the table shows them a minute, as
 * the quotas that set them ({@code serverless-requests-per-minute}, {@code serverless-tokens-per-minute}) count.
 */
@Command(name = "rate-limits", description = "Shows the account's serverless rate limits on each serverless deployment, a minute.")
public final class RateLimitsCommand extends ApiCommand {

    /** Requests: the API's metric enum has no value for them. */
    private static final String REQUESTS = "METRIC_UNSPECIFIED";
    /** Prompt and generated tokens share one budget, listed under both metrics. */
    private static final String TOKENS = "TOKENS_PROMPT";

    @Option(names = "--deployment", paramLabel = "NAME", description = "Only this serverless deployment (accounts/{account}/deployments/{id}).")
    String deployment;

    @Override
    protected int run(Session s) {
        JsonNode answer = s.call(Request.get("/v1/accounts/" + s.account() + "/serverlessRateLimits")
                .param("deployment", deployment));
        Map<String, long[]> perMinute = new LinkedHashMap<>();
        for (JsonNode limit : answer.path("rateLimits")) {
            long[] row = perMinute.computeIfAbsent(limit.path("deployment").asText(), d -> new long[]{-1, -1});
            long value = Math.round(limit.path("effectiveLimit").asDouble() * 60);
            switch (limit.path("metric").asText(REQUESTS)) {
                case REQUESTS -> row[0] = value;
                case TOKENS -> row[1] = value;
                default -> {
                    // TOKENS_GENERATED repeats the tokens budget.
                }
            }
        }
        Table table = Table.of("DEPLOYMENT", "REQUESTS/MIN", "TOKENS/MIN");
        perMinute.forEach((name, row) -> table.row(name, row[0] < 0 ? "" : Long.toString(row[0]),
                row[1] < 0 ? "" : Long.toString(row[1])));
        s.output().list(answer, table);
        return 0;
    }
}
