package dev.ember.controlplane.deployedmodel.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeployedModelName;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.name.ModelName;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class DeployedModelRepository implements PanacheRepositoryBase<DeployedModelEntity, DeployedModelEntity.Key> {

    public Uni<DeployedModelEntity> findByName(DeployedModelName name) {
        return findById(new DeployedModelEntity.Key(name));
    }

    /** Reads a deployed model to change it, locking its row until the transaction ends. */
    public Uni<DeployedModelEntity> findByNameForUpdate(DeployedModelName name) {
        return findById(new DeployedModelEntity.Key(name), LockModeType.PESSIMISTIC_WRITE);
    }

    /** Where a model is loaded (every state), oldest first. */
    public Uni<List<DeployedModelEntity>> ofModel(ModelName model) {
        return find("accountId = ?1 and model = ?2 order by createTime, deployedModelId", model.account(),
                model.toString()).list();
    }

    /** The copy of {@code model} on {@code deployment} that is not being undeployed, or null. */
    public Uni<DeployedModelEntity> live(ModelName model, DeploymentName deployment) {
        return find("accountId = ?1 and model = ?2 and deploymentId = ?3 and state <> ?4", deployment.account(),
                model.toString(), deployment.deployment(), DeployedModelEntity.UNDEPLOYING).firstResult();
    }

    /** How many addons are loaded (or loading) onto this incarnation of the deployment. */
    public Uni<Long> countLoadedOnto(DeploymentName deployment, String deploymentUid) {
        return count("accountId = ?1 and deploymentId = ?2 and deploymentUid = ?3 and state <> ?4",
                deployment.account(), deployment.deployment(), deploymentUid, DeployedModelEntity.UNDEPLOYING);
    }

    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    public Uni<List<DeployedModelEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }

    /**
     * What the reconciler has to change, locked until its transaction ends: DEPLOYING ones whose deployment now
     * serves (READY or UPDATING), UNDEPLOYING ones due to go ({@code unloadedBefore}), and the others whose deployment
     * is no longer there with the same uid or was deleted. Every row returned changes, so a batch never stalls on rows
     * that keep waiting.
     */
    public Uni<List<DeployedModelEntity>> needingWork(Instant unloadedBefore, List<String> serving, int limit) {
        String sameDeployment = "from DeploymentEntity d where d.accountId = m.accountId and d.deploymentId = "
                + "m.deploymentId and d.uid = m.deploymentUid and d.deleteTime is null";
        return find("from DeployedModelEntity m where (m.state = :deploying and exists (" + sameDeployment
                + " and d.state in :serving))"
                + " or (m.state = :undeploying and m.updateTime <= :unloadedBefore)"
                + " or (m.state <> :undeploying and not exists (" + sameDeployment + "))"
                + " order by m.updateTime, m.deployedModelId",
                Parameters.with("deploying", DeployedModelEntity.DEPLOYING)
                        .and("undeploying", DeployedModelEntity.UNDEPLOYING)
                        .and("serving", serving)
                        .and("unloadedBefore", unloadedBefore))
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .page(0, limit).list();
    }
}
