package dev.ember.controlplane.finetuning.api;

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

import dev.ember.common.name.ResourceIds;
import dev.ember.common.name.SupervisedFineTuningJobName;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.finetuning.service.SftLists;
import dev.ember.controlplane.finetuning.service.SupervisedFineTuningJobService;
import dev.ember.controlplane.web.RunsToCompletion;

/**
 * Supervised fine-tuning jobs, as Fireworks' v1 API has them: a job trains a LoRA addon of a base model on a READY
 * dataset; the scheduler runs it on GPUs of the pool; the addon is a READY model when the job is COMPLETED.
 */
@Path("/v1/accounts/{account}/supervisedFineTuningJobs")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class SupervisedFineTuningJobResource {

    @Inject
    SupervisedFineTuningJobService jobs;

    @Inject
    CurrentCaller caller;

    /** The job starts JOB_STATE_CREATING; without {@code supervisedFineTuningJobId} its ID is a random UUID. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SupervisedFineTuningJob> create(@RestPath String account, @RestQuery String supervisedFineTuningJobId,
            SupervisedFineTuningJob body) {
        ResourceIds.require("account", account);
        return jobs.create(caller.get(), account, supervisedFineTuningJobId == null
                || supervisedFineTuningJobId.isEmpty() ? null : supervisedFineTuningJobId, body);
    }

    @GET
    public Uni<ListSupervisedFineTuningJobsResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String readMask) {
        return jobs.list(caller.get(), SftLists.parse(account, pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("{job}")
    public Uni<SupervisedFineTuningJob> get(@RestPath String account, @RestPath String job,
            @RestQuery String readMask) {
        return jobs.get(caller.get(), new SupervisedFineTuningJobName(account, job));
    }

    /** Answers an empty object, as Fireworks' DeleteSupervisedFineTuningJob does. */
    @DELETE
    @Path("{job}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String job) {
        return jobs.delete(caller.get(), new SupervisedFineTuningJobName(account, job)).replaceWith(Map.of());
    }

    /** Stops the job and frees its GPUs; answers an empty object, as Fireworks' CancelSupervisedFineTuningJob. */
    @POST
    @Path("{job}:cancel")
    public Uni<Map<String, Object>> cancel(@RestPath String account, @RestPath String job) {
        return jobs.cancel(caller.get(), new SupervisedFineTuningJobName(account, job)).replaceWith(Map.of());
    }

    /** Runs a cancelled or failed job again from where it was; answers the job. */
    @POST
    @Path("{job}:resume")
    public Uni<SupervisedFineTuningJob> resume(@RestPath String account, @RestPath String job) {
        return jobs.resume(caller.get(), new SupervisedFineTuningJobName(account, job));
    }
}
