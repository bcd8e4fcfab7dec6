package dev.ember.dataplane.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.event.ModelProfile;

/**
 * The public models' shapes for running the engine on its own ({@code ember simulate}), read from
 * {@code /engine/models.json}: a copy of the control plane's catalog, which is not on the launcher's classpath. The
 * data plane itself gets its profiles from deployment events.
 */
public final class ModelCatalog {

    /** Account of the public catalog models. */
    public static final String PUBLIC_ACCOUNT = "fireworks";
    private static final String RESOURCE = "/engine/models.json";
    private static final String PREFIX = "accounts/" + PUBLIC_ACCOUNT + "/models/";

    private final Map<String, ModelProfile> byId;

    private ModelCatalog(Map<String, ModelProfile> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    public static ModelCatalog load() {
        try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            Map<String, ModelProfile> models = new LinkedHashMap<>();
            for (JsonNode m : new ObjectMapper().readTree(in)) {
                String id = m.get("modelId").asText();
                models.put(id, new ModelProfile(PREFIX + id, m.get("parameterCount").asLong(),
                        m.get("activeParameterCount").asLong(), m.get("layers").asInt(), m.get("hiddenSize").asInt(),
                        m.get("kvHeads").asInt(), m.get("headDim").asInt(), m.get("contextLength").asInt(),
                        m.get("defaultPrecision").asText(), m.path("embeddingDimensions").asInt(0)));
            }
            return new ModelCatalog(models);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** By model ID ({@code llama-v3p1-8b-instruct}) or full name ({@code accounts/fireworks/models/...}). */
    public Optional<ModelProfile> find(String name) {
        String id = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        return Optional.ofNullable(byId.get(id));
    }

    public List<String> ids() {
        return new ArrayList<>(byId.keySet());
    }
}
