package dev.ember.controlplane.model.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ModelName;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;

/**
 * The public model catalog, shipped in {@code catalog/models.json} and kept under the catalog account
 * ({@code ember.catalog.account-id}, default {@code fireworks} so Fireworks model names work unchanged).
 */
@ApplicationScoped
public class ModelCatalog {

    public static final String HF_BASE_MODEL = ModelEntity.HF_BASE_MODEL;

    record CatalogModel(String modelId, String displayName, long parameterCount, long activeParameterCount,
            int layers, int hiddenSize, int kvHeads, int headDim, int contextLength, String defaultPrecision,
            boolean supportsLora, int embeddingDimensions) {
    }

    @Inject
    ModelRepository models;

    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    @ConfigProperty(name = "ember.catalog.account-id")
    String catalogAccount;

    /**
     * Catalog models read so far, by model ID. A catalog row never changes once stored: {@link #seed()} only adds
     * missing ones and the API refuses every write to the catalog account, so a row read once is served from here.
     */
    private final ConcurrentMap<String, ModelEntity> read = new ConcurrentHashMap<>();

    public String catalogAccount() {
        return catalogAccount;
    }

    /**
     * The model of that name, or null. Catalog models come from memory after their first read; every other model
     * (custom ones change and can be deleted) is read from the database. Must run in a session.
     */
    public Uni<ModelEntity> find(ModelName name) {
        if (!name.account().equals(catalogAccount)) {
            return models.findByName(name);
        }
        ModelEntity known = read.get(name.model());
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return models.findByName(name).invoke(m -> {
            if (m != null) {
                read.putIfAbsent(name.model(), m);
            }
        });
    }

    /** Adds catalog models that are missing; existing rows are left as they are. Runs in a transaction. */
    public Uni<Void> seed() {
        return Multi.createFrom().iterable(load())
                .onItem().transformToUniAndConcatenate(m -> models
                        .findById(new ModelEntity.Key(catalogAccount, m.modelId()))
                        .chain(existing -> existing != null
                                ? Uni.createFrom().voidItem()
                                : models.persist(toEntity(m)).replaceWithVoid()))
                .collect().last();
    }

    private ModelEntity toEntity(CatalogModel m) {
        ModelEntity e = new ModelEntity();
        e.revision = 1;
        e.accountId = catalogAccount;
        e.modelId = m.modelId();
        e.displayName = m.displayName();
        e.kind = m.embeddingDimensions() > 0 ? ModelEntity.EMBEDDING_MODEL : HF_BASE_MODEL;
        e.state = "READY";
        e.parameterCount = m.parameterCount();
        e.activeParameterCount = m.activeParameterCount();
        e.layers = m.layers();
        e.hiddenSize = m.hiddenSize();
        e.kvHeads = m.kvHeads();
        e.headDim = m.headDim();
        e.contextLength = m.contextLength();
        e.defaultPrecision = m.defaultPrecision();
        e.supportsLora = m.supportsLora();
        e.embeddingDimensions = m.embeddingDimensions();
        e.publicModel = true;
        e.uid = UUID.nameUUIDFromBytes((catalogAccount + "/" + m.modelId()).getBytes(StandardCharsets.UTF_8))
                .toString();
        e.description = "";
        e.worldSize = 1;
        e.moe = m.activeParameterCount() < m.parameterCount();
        e.checkpointFormat = "HUGGINGFACE";
        e.createTime = clock.instant();
        e.updateTime = e.createTime;
        return e;
    }

    private List<CatalogModel> load() {
        try (InputStream in = ModelCatalog.class.getResourceAsStream("/catalog/models.json")) {
            return json.readValue(in, new TypeReference<List<CatalogModel>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalog", e);
        }
    }
}
