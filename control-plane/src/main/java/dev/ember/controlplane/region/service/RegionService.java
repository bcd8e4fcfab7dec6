package dev.ember.controlplane.region.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.CapacityReported;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.controlplane.region.api.Region;
import dev.ember.controlplane.region.persistence.RegionPoolEntity;
import dev.ember.controlplane.region.persistence.RegionPoolRepository;

/**
 * Regions, their mega-regions and the GPU pools each offers. The pools come from the scheduler's capacity events, so
 * they are the inventory the scheduler really places on; until the first report arrives none is known.
 */
@ApplicationScoped
public class RegionService {

    private static final Logger LOG = Logger.getLogger(RegionService.class);

    @Inject
    RegionPoolRepository pools;

    /** Replaces the known pools with a newer capacity report; an older one (redelivered) changes nothing. */
    @WithTransaction
    public Uni<Void> capacityReported(CapacityReported report) {
        return pools.listAll().chain(known -> {
            Instant newest = known.stream().map(p -> p.updateTime).max(Instant::compareTo).orElse(Instant.EPOCH);
            if (report.time().isBefore(newest)) {
                return Uni.createFrom().voidItem();
            }
            Map<RegionPoolEntity.Key, RegionPoolEntity> byKey = known.stream()
                    .collect(Collectors.toMap(p -> new RegionPoolEntity.Key(p.region, p.acceleratorType), p -> p));
            List<RegionPoolEntity> fresh = new ArrayList<>();
            for (CapacityReported.Pool p : report.pools()) {
                RegionPoolEntity e = byKey.remove(new RegionPoolEntity.Key(p.region(), p.acceleratorType()));
                if (e == null) {
                    e = new RegionPoolEntity();
                    e.region = p.region();
                    e.acceleratorType = p.acceleratorType();
                    fresh.add(e);
                }
                e.totalGpus = p.totalGpus();
                e.usedGpus = p.usedGpus();
                e.freeGpus = p.freeGpus();
                e.updateTime = report.time();
            }
            if (!fresh.isEmpty() || !byKey.isEmpty()) {
                LOG.infof("GPU pools: %d new, %d gone", fresh.size(), byKey.size());
            }
            return Multi.createFrom().iterable(fresh).onItem().transformToUniAndConcatenate(pools::persist)
                    .collect().last()
                    .chain(() -> Multi.createFrom().iterable(byKey.values())
                            .onItem().transformToUniAndConcatenate(pools::delete).collect().last())
                    .replaceWithVoid();
        });
    }

    @WithSession
    public Uni<Region.ListRegionsResponse> list() {
        return pools.listSorted().map(known -> {
            List<Region> regions = Arrays.stream(dev.ember.common.hardware.Region.values())
                    .map(r -> toApi(r, known)).toList();
            return new Region.ListRegionsResponse(regions, regions.size());
        });
    }

    @WithSession
    public Uni<Region> get(String region) {
        dev.ember.common.hardware.Region r = dev.ember.common.hardware.Region.find(region)
                .orElseThrow(() -> new NotFoundException("region '" + region + "' does not exist; one of "
                        + dev.ember.common.hardware.Region.names()));
        return pools.listSorted().map(known -> toApi(r, known));
    }

    /**
     * Refuses hardware that no region of {@code regions} offers, naming the regions that do. Nothing is refused while
     * no capacity report has arrived: the scheduler then fails the deployment with the reason instead.
     */
    public static void requireOffered(List<RegionPoolEntity> known, AcceleratorType type, List<String> regions,
            String where, String field) {
        if (known.isEmpty()) {
            return;
        }
        Set<String> offering = known.stream().filter(p -> p.acceleratorType.equals(type.name()))
                .map(p -> p.region).collect(Collectors.toCollection(java.util.TreeSet::new));
        if (regions.stream().noneMatch(offering::contains)) {
            throw InvalidArgumentException.field(field, type + " is not offered in " + where
                    + (offering.isEmpty()
                            ? "; no region offers it"
                            : "; regions with it: "
                                    + String.join(", ", offering)));
        }
    }

    /** Every pool known now: one read. */
    public Uni<List<RegionPoolEntity>> pools() {
        return pools.listSorted();
    }

    public static Map<String, List<RegionPoolEntity>> byRegion(List<RegionPoolEntity> known) {
        return known.stream().collect(Collectors.groupingBy(p -> p.region, LinkedHashMap::new, Collectors.toList()));
    }

    /** The pools known now, by region: what quotas exist for. */
    public Uni<Map<String, List<RegionPoolEntity>>> poolsByRegion() {
        return pools.listSorted().map(RegionService::byRegion);
    }

    /** The regions a placement allows: one region, or every region of a mega-region. */
    public static List<String> regionsOf(String placement) {
        Optional<dev.ember.common.hardware.Region> region = dev.ember.common.hardware.Region.find(placement);
        if (region.isPresent()) {
            return List.of(region.get().name());
        }
        return dev.ember.common.hardware.Region.MegaRegion.find(placement)
                .orElse(dev.ember.common.hardware.Region.MegaRegion.GLOBAL)
                .regions().stream().map(Enum::name).toList();
    }

    private static Region toApi(dev.ember.common.hardware.Region r, List<RegionPoolEntity> known) {
        List<Region.Pool> offered = known.stream().filter(p -> p.region.equals(r.name()))
                .map(p -> new Region.Pool(p.acceleratorType, p.totalGpus, p.freeGpus)).toList();
        return new Region("regions/" + r.name(), r.name(), r.megaRegion().name(), offered);
    }
}
