package dev.ember.controlplane.quota.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class QuotaRepository implements PanacheRepositoryBase<QuotaEntity, QuotaEntity.Key> {

    public Uni<List<QuotaEntity>> listByAccount(String accountId) {
        return list("accountId", accountId);
    }
}
