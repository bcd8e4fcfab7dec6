package dev.ember.controlplane.region.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class RegionPoolRepository implements PanacheRepositoryBase<RegionPoolEntity, RegionPoolEntity.Key> {

    /** Every pool, by region then accelerator type. */
    public Uni<List<RegionPoolEntity>> listSorted() {
        return list("order by region, acceleratorType");
    }
}
