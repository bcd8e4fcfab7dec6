package dev.ember.controlplane.account.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.controlplane.account.service.AccountLists;
import dev.ember.controlplane.account.service.AccountService;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.web.RunsToCompletion;

@Path("/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class AccountResource {

    @Inject
    AccountService accounts;

    @Inject
    CurrentCaller caller;

    /** Platform admins only. Fireworks has no such method (accounts come from sign-up); Ember needs one. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Account> create(@RestQuery String accountId, Account body) {
        return accounts.create(caller.get(), accountId, body);
    }

    /** Every account for a platform admin; otherwise only the caller's own. Ordered by name, as in Fireworks. */
    @GET
    public Uni<ListAccountsResponse> list(@RestQuery String pageSize, @RestQuery String pageToken,
            @RestQuery String filter, @RestQuery String orderBy) {
        return accounts.list(caller.get(), AccountLists.parse(pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("{account}")
    public Uni<Account> get(@RestPath String account) {
        return accounts.get(caller.get(), new AccountName(account));
    }
}
