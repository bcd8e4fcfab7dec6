package dev.ember.controlplane.dataset.api;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DatasetName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.dataset.service.DatasetLists;
import dev.ember.controlplane.dataset.service.DatasetService;
import dev.ember.controlplane.dataset.service.DatasetUploads;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.RunsToCompletion;

/**
 * Datasets, as Fireworks' v1 API has them: create, then {@code :getUploadEndpoint}, PUT the JSONL file to the signed
 * URL, {@code :validateUpload}; READY datasets feed fine-tuning and batch inference jobs.
 */
@Path("/v1/accounts/{account}/datasets")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class DatasetResource {

    @Inject
    DatasetService datasets;

    @Inject
    DatasetUploads uploads;

    @Inject
    CurrentCaller caller;

    /** Fireworks' CreateDataset: {@code {"datasetId": ..., "dataset": {...}}}. The dataset starts UPLOADING. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Dataset> create(@RestPath String account, CreateDatasetRequest body) {
        ResourceIds.require("account", account);
        return datasets.create(caller.get(), account, body);
    }

    @GET
    public Uni<ListDatasetsResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy,
            @RestQuery String readMask) {
        return datasets.list(caller.get(), DatasetLists.parse(account, pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("{dataset}")
    public Uni<Dataset> get(@RestPath String account, @RestPath String dataset, @RestQuery String readMask) {
        return datasets.get(caller.get(), new DatasetName(account, dataset));
    }

    /** Changes the display name; see {@code updateMask}. */
    @PATCH
    @Path("{dataset}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Dataset> update(@RestPath String account, @RestPath String dataset, @RestQuery String updateMask,
            Dataset body) {
        return datasets.update(caller.get(), new DatasetName(account, dataset), body, updateMask);
    }

    /** Answers an empty object, as Fireworks' DeleteDataset does. */
    @DELETE
    @Path("{dataset}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String dataset) {
        return datasets.delete(caller.get(), new DatasetName(account, dataset)).replaceWith(Map.of());
    }

    /** Declares the dataset's JSONL file and its size; answers its signed PUT URL. */
    @POST
    @Path("{dataset}:getUploadEndpoint")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<SignedUrls> getUploadEndpoint(@RestPath String account, @RestPath String dataset,
            DatasetUploadRequest body, @Context UriInfo uri) {
        return uploads.getUploadEndpoint(caller.get(), new DatasetName(account, dataset), body,
                uri.getBaseUri().toString());
    }

    /** Checks every line of the uploaded file, counts the examples and makes the dataset READY. */
    @POST
    @Path("{dataset}:validateUpload")
    public Uni<Map<String, Object>> validateUpload(@RestPath String account, @RestPath String dataset) {
        return uploads.validateUpload(caller.get(), new DatasetName(account, dataset));
    }

    /** A signed GET URL for the dataset's file. */
    @GET
    @Path("{dataset}:getDownloadEndpoint")
    public Uni<SignedUrls> getDownloadEndpoint(@RestPath String account, @RestPath String dataset,
            @RestQuery String readMask, @RestQuery String downloadLineage, @Context UriInfo uri) {
        return uploads.getDownloadEndpoint(caller.get(), new DatasetName(account, dataset),
                QueryParams.bool("downloadLineage", downloadLineage), uri.getBaseUri().toString());
    }
}
