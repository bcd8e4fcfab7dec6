package dev.ember.cli;

import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * The verbs every resource of an account has the same way: {@code get ID}, {@code list} as a table and
 * {@code delete ID}. A resource's package extends them with its {@code @Command}, naming its REST collection (such as
 * {@code datasets}) in the constructor.
 */
public final class ResourceCommands {

    private ResourceCommands() {
    }

    /** {@code GET /v1/accounts/{a}/<collection>/{id}}, shown as the resource's fields. */
    public abstract static class Get extends ApiCommand {

        private final String collection;

        @Parameters(paramLabel = "ID", description = "ID, or full name (accounts/<a>/...).")
        protected String idOrName;

        protected Get(String collection) {
            this.collection = collection;
        }

        @Override
        protected int run(Session s) {
            s.output().resource(s.call(Request.get(Names.path(Names.of(s.account(), collection, idOrName)))));
            return 0;
        }
    }

    /** {@code GET /v1/accounts/{a}/<collection>} with the paging flags, shown as a table. */
    public abstract static class List extends ApiCommand {

        private final String collection;
        private final Function<JsonNode, Table> table;

        @Mixin
        protected ListOptions list;

        /** {@code table} makes the table of one page: the rows of {@code answer.<collection>}. */
        protected List(String collection, Function<JsonNode, Table> table) {
            this.collection = collection;
            this.table = table;
        }

        /** The collection's path: the CLI's account's unless the resource's flags say otherwise. */
        protected String path(Session s) {
            return "/v1/accounts/" + s.account() + "/" + collection;
        }

        /** Adds the query parameters of the resource's own flags to the request of a page. */
        protected Request query(Request request) {
            return request;
        }

        @Override
        protected int run(Session s) {
            JsonNode answer = s.call(query(list.apply(Request.get(path(s)))));
            s.output().list(answer, table.apply(answer));
            list.printNextPage(s, answer);
            return 0;
        }
    }

    /** {@code DELETE /v1/accounts/{a}/<collection>/{id}}. */
    public abstract static class Delete extends MutatingCommand {

        private final String collection;

        @Parameters(paramLabel = "ID", description = "ID, or full name (accounts/<a>/...).")
        protected String idOrName;

        protected Delete(String collection) {
            this.collection = collection;
        }

        @Override
        protected int run(Session s) {
            String name = Names.of(s.account(), collection, idOrName);
            JsonNode answer = s.send(Request.delete(Names.path(name)));
            if (answer != null) {
                s.output().done(answer, "Deleted " + name);
            }
            return 0;
        }
    }
}
