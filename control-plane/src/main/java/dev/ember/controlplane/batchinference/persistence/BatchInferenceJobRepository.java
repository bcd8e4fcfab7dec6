package dev.ember.controlplane.batchinference.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.BatchInferenceJobName;
import dev.ember.common.name.DatasetName;
import dev.ember.controlplane.job.persistence.JobEntity;
import dev.ember.controlplane.job.service.JobStates;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class BatchInferenceJobRepository
        implements
            PanacheRepositoryBase<BatchInferenceJobEntity, JobEntity.Key> {

    public Uni<BatchInferenceJobEntity> findByName(BatchInferenceJobName name) {
        return findById(new JobEntity.Key(name.account(), name.job()));
    }

    public Uni<BatchInferenceJobEntity> findByNameForUpdate(BatchInferenceJobName name) {
        return findById(new JobEntity.Key(name.account(), name.job()), LockModeType.PESSIMISTIC_WRITE);
    }

    /** A job that reads or writes the dataset and has not ended, if any. */
    public Uni<BatchInferenceJobEntity> activeOnDataset(DatasetName dataset) {
        return find("accountId = ?1 and (inputDatasetId = ?2 or outputDatasetId = ?2) and state not in ?3 "
                + "order by jobId", dataset.account(), dataset.dataset(), JobStates.ENDED).firstResult();
    }

    /** Jobs whose rows are done and whose results are still to be written. */
    public Uni<List<BatchInferenceJobEntity>> writingResults(int limit) {
        return find("state = ?1 order by updateTime", JobStates.WRITING_RESULTS).page(0, limit).list();
    }

    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    public Uni<List<BatchInferenceJobEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }
}
