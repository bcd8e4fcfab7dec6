package dev.ember.controlplane.dataset.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.ember.common.error.ApiError;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.dataset.service.DatasetUploads;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.upload.UploadToken;
import dev.ember.controlplane.upload.UploadTokens;

/**
 * {@code GET /v1/downloads/{token}}: the signed URLs {@code :getDownloadEndpoint} hands out. No API key: the token
 * is the grant. The file is streamed from the blob store. A dataset deleted since takes its file with it: 404.
 */
@ApplicationScoped
public class DatasetDownloadRoute {

    private static final Logger LOG = Logger.getLogger(DatasetDownloadRoute.class);

    @Inject
    UploadTokens tokens;

    @Inject
    BlobStore blobs;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        router.get(DatasetUploads.DOWNLOAD_PATH + ":token").handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        UploadToken token;
        try {
            token = tokens.verify(ctx.pathParam("token"));
            if (!DatasetUploads.DOWNLOAD.equals(token.target())) {
                throw new UnauthenticatedException("DOWNLOAD_TOKEN_MALFORMED",
                        "this is not a signed download URL; get one with :getDownloadEndpoint");
            }
        } catch (RuntimeException e) {
            reject(ctx, e);
            return;
        }
        String key = DatasetUploads.downloadKey(token);
        blobs.size(key).subscribe().with(size -> {
            if (size.isEmpty()) {
                reject(ctx, new NotFoundException("DOWNLOAD_TARGET_GONE", "dataset '" + token.resource()
                        + "' this download URL was made for no longer exists"));
                return;
            }
            blobs.open(key).subscribe().with(stream -> {
                ctx.response().setStatusCode(200)
                        .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/jsonl")
                        .putHeader(HttpHeaderNames.CONTENT_LENGTH, Long.toString(size.get()))
                        .putHeader("Content-Disposition", "attachment; filename=\"" + token.file() + "\"");
                stream.pipeTo(ctx.response()).onFailure(f -> LOG.debugf("Download of %s broke off: %s", key, f));
            }, failure -> reject(ctx, failure));
        }, failure -> reject(ctx, failure));
    }

    private void reject(RoutingContext ctx, Throwable failure) {
        EmberException error = EmberExceptions.unwrap(failure);
        if (error == null) {
            LOG.error("Download failed", failure);
            error = new EmberException(ErrorCode.INTERNAL, "INTERNAL", "internal error");
        }
        try {
            ctx.response().setStatusCode(error.code().httpStatus())
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .end(Buffer.buffer(json.writeValueAsBytes(ApiError.of(error))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
    }
}
