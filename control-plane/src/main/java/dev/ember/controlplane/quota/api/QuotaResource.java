package dev.ember.controlplane.quota.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.quota.service.QuotaService;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.controlplane.web.Tagged;

@Path("/v1/accounts/{account}/quotas")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class QuotaResource {

    @Inject
    QuotaService quotas;

    @Inject
    CurrentCaller caller;

    @GET
    public Uni<Quota.ListQuotasResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter) {
        ResourceIds.require("account", account);
        return quotas.list(caller.get(), account, pageSize, pageToken, filter);
    }

    @GET
    @Path("{quota}")
    public Uni<RestResponse<Quota>> get(@RestPath String account, @RestPath String quota) {
        ResourceIds.require("account", account);
        return quotas.get(caller.get(), account, quota).map(Tagged::response);
    }

    /**
     * Fireworks' UpdateQuota. Every pool's quota exists (at the defaults until set), so {@code allowMissing} is
     * accepted and changes nothing. With {@code If-Match} only if the quota's {@code ETag} is still that one (409
     * ABORTED otherwise).
     */
    @PATCH
    @Path("{quota}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Quota>> update(@RestPath String account, @RestPath String quota,
            @RestQuery String allowMissing, @RestHeader("If-Match") String ifMatch, Quota body) {
        ResourceIds.require("account", account);
        QueryParams.bool("allowMissing", allowMissing);
        return quotas.update(caller.get(), account, quota, body, ifMatch).map(Tagged::response);
    }
}
