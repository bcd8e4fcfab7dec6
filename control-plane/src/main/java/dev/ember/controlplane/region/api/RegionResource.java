package dev.ember.controlplane.region.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

import io.smallrye.mutiny.Uni;

import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.region.service.RegionService;
import dev.ember.controlplane.web.RunsToCompletion;

/** Regions and their hardware: readable by every authenticated caller. */
@Path("/v1/regions")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class RegionResource {

    @Inject
    RegionService regions;

    @Inject
    CurrentCaller caller;

    @GET
    public Uni<Region.ListRegionsResponse> list() {
        caller.get();
        return regions.list();
    }

    @GET
    @Path("{region}")
    public Uni<Region> get(@RestPath String region) {
        caller.get();
        return regions.get(region);
    }
}
