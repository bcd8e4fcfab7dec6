package dev.ember.controlplane.upload;

import java.time.Instant;

/**
 * What a signed upload URL grants: one file of one resource, of exactly {@code size} bytes, until {@code expires}.
 * {@code uid} ties it to one incarnation of the resource, so a URL made for a deleted model cannot write into a new
 * model of the same name.
 *
 * @param target which kind of resource receives the file ({@link UploadTarget#type()}), e.g. "model"
 * @param resource the resource's full name
 */
public record UploadToken(String target, String resource, String uid, String file, long size, Instant expires) {
}
