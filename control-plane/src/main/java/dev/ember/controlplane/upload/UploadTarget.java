package dev.ember.controlplane.upload;

import io.smallrye.mutiny.Uni;

import dev.ember.controlplane.blob.BlobUpload;

/**
 * A kind of resource that receives files through signed upload URLs (models; datasets later). The upload route
 * checks the token's signature and expiry, then asks the target whether the upload may start, streams the body to a
 * staged blob, and lets the target publish it.
 */
public interface UploadTarget {

    /** The {@link UploadToken#target()} this handles. */
    String type();

    /**
     * Whether the file may be uploaded now (the resource still exists with the token's uid, still takes uploads, and
     * still expects this file at this size); fails with the client error otherwise.
     */
    Uni<Void> check(UploadToken token);

    /** The blob key the file is stored under. */
    String blobKey(UploadToken token);

    /**
     * Publishes the fully received, staged file and records it, after checking again (the resource may have changed
     * during the upload). Fails with the client error, leaving the staged file to the caller to abort.
     */
    Uni<Void> complete(UploadToken token, BlobUpload staged, String sha256);
}
