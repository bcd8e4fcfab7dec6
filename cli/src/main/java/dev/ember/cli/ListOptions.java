package dev.ember.cli;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Option;

/** Paging, filter and order of a list (AIP-158/160/132), passed to the API as they are. */
public final class ListOptions {

    @Option(names = "--page-size", paramLabel = "N", description = "Rows per page (the API's default is 50, at most 200).")
    Integer pageSize;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "The page after a previous list's next page token.")
    String pageToken;

    @Option(names = "--filter", paramLabel = "EXPR", description = "AIP-160 filter, e.g. 'state=\"READY\"'.")
    String filter;

    @Option(names = "--order-by", paramLabel = "FIELDS", description = "e.g. 'createTime desc'.")
    String orderBy;

    public Request apply(Request request) {
        return request.param("pageSize", pageSize).param("pageToken", pageToken).param("filter", filter)
                .param("orderBy", orderBy);
    }

    /** Under a text table: how to get the next page, when there is one (on stderr, so the table stays clean). */
    public void printNextPage(Session session, JsonNode answer) {
        String next = answer.path("nextPageToken").asText("");
        if (!session.json() && !next.isEmpty()) {
            session.err().println("More results: add --page-token " + next);
            session.err().flush();
        }
    }
}
