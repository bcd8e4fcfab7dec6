package dev.ember.controlplane.usage.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Queries of the usage ledger. */
public final class UsageRepositories {

    private UsageRepositories() {
    }

    @ApplicationScoped
    public static class Tokens implements PanacheRepositoryBase<TokenUsageEntity, TokenUsageEntity.Key> {

        /** Reports of the account whose window ended within [from, to). */
        public Uni<List<TokenUsageEntity>> between(String account, Instant from, Instant to) {
            return list("accountId = ?1 and windowEnd >= ?2 and windowEnd < ?3", account, from, to);
        }
    }

    @ApplicationScoped
    public static class Gpus implements PanacheRepositoryBase<GpuUsageEntity, String> {

        /** Replicas of the account that held GPUs at some point in [from, to). */
        public Uni<List<GpuUsageEntity>> overlapping(String account, Instant from, Instant to) {
            return list("accountId = ?1 and startTime is not null and startTime < ?3 "
                    + "and (endTime is null or endTime > ?2)", account, from, to);
        }
    }
}
