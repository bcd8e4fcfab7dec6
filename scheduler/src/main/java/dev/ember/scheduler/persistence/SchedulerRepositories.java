package dev.ember.scheduler.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Queries of the scheduler's tables. */
public final class SchedulerRepositories {

    private SchedulerRepositories() {
    }

    @ApplicationScoped
    public static class Nodes implements PanacheRepositoryBase<NodeEntity, String> {

        /** The nodes of the configured inventory. */
        public Uni<List<NodeEntity>> listActive() {
            return list("retired = false");
        }
    }

    @ApplicationScoped
    public static class Deployments implements PanacheRepositoryBase<DeploymentEntity, String> {

        /** Every deployment, by name (the order the reconciler decides them in). */
        public Uni<List<DeploymentEntity>> listByName() {
            return list("order by name");
        }

        /** The deployments inserted or updated after change number {@code seen}. */
        public Uni<List<DeploymentEntity>> changedSince(long seen) {
            return list("changeSeq > ?1", seen);
        }
    }

    @ApplicationScoped
    public static class Quotas implements PanacheRepositoryBase<QuotaEntity, QuotaEntity.Key> {

        public Uni<List<QuotaEntity>> changedSince(long seen) {
            return list("changeSeq > ?1", seen);
        }
    }

    @ApplicationScoped
    public static class Loads implements PanacheRepositoryBase<DeploymentLoadEntity, DeploymentLoadEntity.Key> {

        public Uni<List<DeploymentLoadEntity>> changedSince(long seen) {
            return list("changeSeq > ?1", seen);
        }
    }

    @ApplicationScoped
    public static class Replicas implements PanacheRepositoryBase<ReplicaEntity, String> {

        /** Every replica that holds or waits for GPUs. */
        public Uni<List<ReplicaEntity>> listLive() {
            return list("state <> ?1 order by createTime", ReplicaState.TERMINATED.name());
        }
    }
}
