package dev.ember.controlplane.batchinference.api;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.BatchInferenceJobName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.batchinference.service.BatchInferenceJobService;
import dev.ember.controlplane.batchinference.service.BatchLists;
import dev.ember.controlplane.web.RunsToCompletion;

/**
 * Batch inference jobs, as Fireworks' v1 API has them: every row of a READY dataset answered by a model, the answers
 * written to a new dataset.
 */
@Path("/v1/accounts/{account}/batchInferenceJobs")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class BatchInferenceJobResource {

    @Inject
    BatchInferenceJobService jobs;

    @Inject
    CurrentCaller caller;

    /** The job starts JOB_STATE_CREATING; without {@code batchInferenceJobId} its ID is a random UUID. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<BatchInferenceJob> create(@RestPath String account, @RestQuery String batchInferenceJobId,
            BatchInferenceJob body) {
        ResourceIds.require("account", account);
        return jobs.create(caller.get(), account, batchInferenceJobId == null || batchInferenceJobId.isEmpty()
                ? null
                : batchInferenceJobId, body);
    }

    @GET
    public Uni<ListBatchInferenceJobsResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String readMask) {
        return jobs.list(caller.get(), BatchLists.parse(account, pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("{job}")
    public Uni<BatchInferenceJob> get(@RestPath String account, @RestPath String job, @RestQuery String readMask) {
        return jobs.get(caller.get(), new BatchInferenceJobName(account, job));
    }

    /** Answers an empty object, as Fireworks' DeleteBatchInferenceJob does. */
    @DELETE
    @Path("{job}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String job) {
        return jobs.delete(caller.get(), new BatchInferenceJobName(account, job)).replaceWith(Map.of());
    }
}
