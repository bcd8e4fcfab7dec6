package dev.ember.controlplane.usage.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.usage.service.UsageLedger;
import dev.ember.controlplane.web.RunsToCompletion;

/** Fireworks' GetAccountUsage: serverless tokens and dedicated GPU time, in daily buckets, with their cost. */
@Path("/v1/accounts/{account}/billingUsage")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class UsageResource {

    @Inject
    UsageLedger ledger;

    @Inject
    CurrentCaller caller;

    @GET
    public Uni<AccountUsage> usage(@RestPath String account, @RestQuery String startTime, @RestQuery String endTime,
            @RestQuery String usageType, @RestQuery String timezone, @RestQuery List<String> groupBy) {
        ResourceIds.require("account", account);
        return ledger.usage(caller.get(), account, startTime, endTime, usageType, timezone, groupBy);
    }
}
