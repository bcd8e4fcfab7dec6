package dev.ember.scheduler.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

import dev.ember.scheduler.persistence.SchedulerRepositories;
import dev.ember.scheduler.placement.Placer;

/** Operator view of the GPU pools: total, used and free GPUs per region and accelerator type. */
@Path("/admin/capacity")
@Produces(MediaType.APPLICATION_JSON)
public class CapacityResource {

    public record CapacityList(List<Placer.Capacity> capacity) {
    }

    @Inject
    SchedulerRepositories.Nodes nodes;

    @Inject
    SchedulerRepositories.Replicas replicas;

    @GET
    @WithSession
    public Uni<CapacityList> capacity() {
        return nodes.listActive()
                .chain(ns -> replicas.listLive().map(rs -> new CapacityList(new Placer(ns, Placer.holdings(rs))
                        .capacity())));
    }
}
