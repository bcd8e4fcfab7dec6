package dev.ember.controlplane.account.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.controlplane.account.service.AccountService;
import dev.ember.controlplane.auth.CurrentCaller;

@Path("/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    AccountService accounts;

    @Inject
    CurrentCaller caller;

    @GET
    @Path("{account}")
    public Uni<Account> get(@RestPath String account) {
        return accounts.get(caller.get(), new AccountName(account));
    }
}
