package dev.ember.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/** One call of the REST API: method, path under the base URL, query parameters (nulls left out) and JSON body. */
public record Request(String method, String path, Map<String, String> query, JsonNode body) {

    public static Request get(String path) {
        return new Request("GET", path, new LinkedHashMap<>(), null);
    }

    public static Request post(String path, JsonNode body) {
        return new Request("POST", path, new LinkedHashMap<>(), body);
    }

    public static Request patch(String path, JsonNode body) {
        return new Request("PATCH", path, new LinkedHashMap<>(), body);
    }

    public static Request delete(String path) {
        return new Request("DELETE", path, new LinkedHashMap<>(), null);
    }

    /** Adds a query parameter unless {@code value} is null. */
    public Request param(String name, Object value) {
        if (value != null) {
            query.put(name, value.toString());
        }
        return this;
    }

    public String url(String base) {
        String root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        String url = root + path;
        if (query.isEmpty()) {
            return url;
        }
        return url + "?" + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
