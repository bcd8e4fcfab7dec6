package dev.ember.controlplane.finetuning.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DatasetName;
import dev.ember.common.name.SupervisedFineTuningJobName;
import dev.ember.controlplane.job.persistence.JobEntity;
import dev.ember.controlplane.job.service.JobStates;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class SupervisedFineTuningJobRepository
        implements
            PanacheRepositoryBase<SupervisedFineTuningJobEntity, JobEntity.Key> {

    public Uni<SupervisedFineTuningJobEntity> findByName(SupervisedFineTuningJobName name) {
        return findById(new JobEntity.Key(name.account(), name.job()));
    }

    public Uni<SupervisedFineTuningJobEntity> findByNameForUpdate(SupervisedFineTuningJobName name) {
        return findById(new JobEntity.Key(name.account(), name.job()),
                LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<SupervisedFineTuningJobEntity> findByOutputModel(String account, String outputModelId) {
        return find("accountId = ?1 and outputModelId = ?2", account, outputModelId).firstResult();
    }

    /** A job that reads the dataset (to train or to evaluate) and has not ended, if any. */
    public Uni<SupervisedFineTuningJobEntity> activeOnDataset(DatasetName dataset) {
        return find("accountId = ?1 and (datasetId = ?2 or evaluationDatasetId = ?2) and state not in ?3 "
                + "order by jobId", dataset.account(), dataset.dataset(), JobStates.ENDED).firstResult();
    }

    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    public Uni<List<SupervisedFineTuningJobEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }
}
