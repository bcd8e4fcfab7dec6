package dev.ember.controlplane.region.grpc;

import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.region.service.RegionService;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.GetRegionRequest;
import dev.ember.proto.v1.ListRegionsRequest;
import dev.ember.proto.v1.ListRegionsResponse;
import dev.ember.proto.v1.Region;
import dev.ember.proto.v1.Regions;

/** Regions and their hardware over gRPC. */
@GrpcService
@RunsToCompletion
public class RegionGrpcService implements Regions {

    @Inject
    RegionService regions;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<Region> getRegion(GetRegionRequest request) {
        return auth.call(caller -> {
            String name = request.getName();
            if (!name.startsWith("regions/")) {
                throw InvalidArgumentException.field("name", "must be regions/{region}, got '" + name + "'");
            }
            return regions.get(name.substring("regions/".length()))
                    .map(r -> ProtoJson.<Region>toProto(r, Region.newBuilder()));
        });
    }

    @Override
    public Uni<ListRegionsResponse> listRegions(ListRegionsRequest request) {
        return auth.call(caller -> regions.list()
                .map(list -> ProtoJson.<ListRegionsResponse>toProto(list, ListRegionsResponse.newBuilder())));
    }
}
