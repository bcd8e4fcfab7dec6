package dev.ember.controlplane.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The Fireworks control-plane API reference (a copy of shared/reference/fireworks-control-plane-api.yml in the test
 * resources) and a check of a JSON document against one of its schemas: every field Ember writes must be one the
 * reference names, with an enum value the reference lists and the JSON type it gives (string, boolean, integer),
 * recursively; fields the reference has and Ember leaves
 * out are allowed (not every Fireworks feature exists here).
 */
final class ReferenceSpec {

    private final JsonNode schemas;

    private ReferenceSpec(JsonNode root) {
        this.schemas = root.path("components").path("schemas");
    }

    static ReferenceSpec load() {
        try (InputStream in = ReferenceSpec.class.getResourceAsStream("/reference/fireworks-control-plane-api.yml")) {
            return new ReferenceSpec(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every way {@code actual} departs from schema {@code name}: "path: reason" lines. {@code extensions} are Ember's own
     * additions (paths such as "dedicatedCosts[].cost"), allowed and not checked.
     */
    List<String> violations(JsonNode actual, String name, Map<String, Set<String>> extensions) {
        List<String> found = new ArrayList<>();
        check(actual, schema(name), name, "", extensions.getOrDefault(name, Set.of()), found);
        return found;
    }

    private JsonNode schema(String name) {
        JsonNode s = schemas.path(name);
        if (s.isMissingNode()) {
            throw new IllegalArgumentException("no schema " + name + " in the reference");
        }
        return s;
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema.path("$ref");
        return ref.isTextual() ? schema(ref.asText().substring("#/components/schemas/".length())) : schema;
    }

    private void check(JsonNode actual, JsonNode schema, String root, String path, Set<String> extensions,
            List<String> found) {
        schema = resolve(schema);
        if (actual.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = actual.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (extensions.contains(at)) {
                    continue;
                }
                if (properties.has(field.getKey())) {
                    check(field.getValue(), properties.get(field.getKey()), root, at, extensions, found);
                } else if (additional.isObject()) {
                    String mapPath = path.isEmpty() ? "*" : path + ".*";
                    check(field.getValue(), additional, root, mapPath, extensions, found);
                } else {
                    found.add(root + "." + at + ": not a field of the reference");
                }
            }
        } else if (actual.isArray()) {
            for (JsonNode item : actual) {
                check(item, schema.path("items"), root, path + "[]", extensions, found);
            }
        } else if (schema.has("enum") && actual.isTextual()) {
            boolean listed = false;
            for (JsonNode value : schema.get("enum")) {
                listed |= value.asText().equals(actual.asText());
            }
            if (!listed) {
                found.add(root + "." + path + ": '" + actual.asText() + "' is not one of " + schema.get("enum"));
            }
        } else if ("string".equals(schema.path("type").asText()) && !actual.isTextual() && !actual.isNull()) {
            found.add(root + "." + path + ": the reference writes a string, Ember wrote " + actual);
        } else if ("boolean".equals(schema.path("type").asText()) && !actual.isBoolean() && !actual.isNull()) {
            found.add(root + "." + path + ": the reference writes a boolean, Ember wrote " + actual);
        } else if ("integer".equals(schema.path("type").asText()) && !actual.isIntegralNumber() && !actual.isNull()) {
            found.add(root + "." + path + ": the reference writes an integer, Ember wrote " + actual);
        }
    }
}
