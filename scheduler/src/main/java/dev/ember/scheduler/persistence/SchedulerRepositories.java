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

        /** The first {@code count} active nodes with an ID after {@code after}, by ID ("": from the first). */
        public Uni<List<NodeEntity>> slice(String after, int count) {
            return find("retired = false and nodeId > ?1 order by nodeId", after).range(0, count - 1).list();
        }

        public Uni<Long> countActive() {
            return count("retired = false");
        }
    }

    @ApplicationScoped
    public static class Deployments implements PanacheRepositoryBase<DeploymentEntity, String> {

        /** Every deployment, by name (the order the reconciler decides them in). */
        public Uni<List<DeploymentEntity>> listByName() {
            return list("order by name");
        }

        /** The first {@code count} deployments named after {@code after}, by name ("": from the first). */
        public Uni<List<DeploymentEntity>> slice(String after, int count) {
            return find("name > ?1 order by name", after).range(0, count - 1).list();
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

        /** The load reports of the deployments named after {@code after} up to {@code last}, inclusive. */
        public Uni<List<DeploymentLoadEntity>> ofSlice(String after, String last) {
            return list("deployment > ?1 and deployment <= ?2", after, last);
        }

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

        /** The live replicas of the deployments named after {@code after} up to {@code last}, inclusive. */
        public Uni<List<ReplicaEntity>> liveOfSlice(String after, String last) {
            return list("deploymentName > ?1 and deploymentName <= ?2 and state <> ?3 order by createTime", after,
                    last, ReplicaState.TERMINATED.name());
        }
    }
}
