package dev.ember.controlplane.web;

import java.net.URI;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.vertx.core.http.HttpServerRequest;

/**
 * Custom verbs ({@code .../deployments/d:undelete}) route on a literal colon; clients that percent-encode it
 * ({@code %3A}) mean the same request, so the path is decoded before matching.
 */
public class CustomVerbPaths {

    @ServerRequestFilter(preMatching = true)
    public void decodeVerbColon(ContainerRequestContext request, HttpServerRequest http) {
        // The raw path as received: most requests have no encoded colon and need no URI built.
        String received = http.path();
        if (received == null || !(received.contains("%3A") || received.contains("%3a"))) {
            return;
        }
        URI uri = request.getUriInfo().getRequestUri();
        String raw = uri.getRawPath();
        if (raw != null && (raw.contains("%3A") || raw.contains("%3a"))) {
            String path = raw.replace("%3A", ":").replace("%3a", ":");
            String query = uri.getRawQuery();
            request.setRequestUri(URI.create(path + (query == null ? "" : "?" + query)));
        }
    }
}
