package dev.ember.controlplane.web;

import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.RestResponse;

/** A resource as the API shows it with its entity tag ({@link Etags}). */
public record Tagged<T>(T resource, String etag) {

    /** The REST answer: the resource, its tag in {@code ETag}. */
    public RestResponse<T> response() {
        return RestResponse.ResponseBuilder.ok(resource).header(HttpHeaders.ETAG, etag).build();
    }
}
