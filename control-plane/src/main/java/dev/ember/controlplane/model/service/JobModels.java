package dev.ember.controlplane.model.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelCreated;
import dev.ember.common.name.ModelName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;

/**
 * Models as jobs use them: the checks a job makes when it is created (the base model takes LoRA addons, the model a
 * batch runs is servable, the output name is free), and the LoRA addon a supervised fine-tuning job trained, READY
 * the moment it exists (its weights are the job's, not an upload), so it can be loaded onto a deployment of its base
 * model at once.
 */
@ApplicationScoped
public class JobModels {

    /** The modules a fine-tuned addon adapts: the attention projections, as Fireworks' LoRA fine-tuning does. */
    static final List<String> TARGET_MODULES = List.of("q_proj", "k_proj", "v_proj", "o_proj");
    private static final Logger LOG = Logger.getLogger(JobModels.class);

    @Inject
    ModelService service;

    @Inject
    ModelRepository models;

    @Inject
    Outbox outbox;

    /** What a job needs of its base model. */
    public record Base(String name, long parameterCount, int contextLength) {
    }

    /**
     * The base model a job in {@code account} may fine-tune: visible to the account, a base model, READY, taking LoRA
     * addons; an INVALID_ARGUMENT on {@code field} otherwise. Must run in a session.
     */
    public Uni<Base> tunableBase(String account, ModelName name, String field) {
        return models.findByName(name).map(m -> {
            if (m == null || !service.visibleTo(account, m)) {
                throw InvalidArgumentException.field(field, "model '" + name + "' does not exist");
            }
            if (m.isAddon()) {
                throw InvalidArgumentException.field(field, "'" + name + "' is a LoRA addon; fine-tune its base model '"
                        + m.peftBaseModel + "'");
            }
            if (m.isEmbedding()) {
                throw InvalidArgumentException.field(field, "'" + name + "' is an embedding model ("
                        + ModelEntity.EMBEDDING_MODEL + "): only models that generate text are fine-tuned");
            }
            if (!m.supportsLora) {
                throw InvalidArgumentException.field(field, "'" + name + "' does not support LoRA addons, so it "
                        + "cannot be fine-tuned");
            }
            if (!m.isReady()) {
                throw InvalidArgumentException.field(field, "'" + name + "' is still " + m.state
                        + "; validate its upload first");
            }
            return new Base(m.name(), m.parameterCount, m.contextLength);
        });
    }

    /**
     * The model a batch inference job in {@code account} may run: a READY base model or LoRA addon the account can
     * see; for an addon, the size is its base model's. An INVALID_ARGUMENT on {@code field} otherwise. Must run in a
     * session.
     */
    public Uni<Base> servable(String account, ModelName name, String field) {
        return models.findByName(name).chain(m -> {
            if (m == null || !service.visibleTo(account, m)) {
                throw InvalidArgumentException.field(field, "model '" + name + "' does not exist");
            }
            if (!m.isReady()) {
                throw InvalidArgumentException.field(field, "'" + name + "' is still " + m.state
                        + "; validate its upload first");
            }
            if (m.isEmbedding()) {
                throw InvalidArgumentException.field(field, "'" + name + "' is an embedding model ("
                        + ModelEntity.EMBEDDING_MODEL + "), which generates no text to batch");
            }
            if (!m.isAddon()) {
                return Uni.createFrom().item(new Base(m.name(), m.parameterCount, m.contextLength));
            }
            return models.findByName(ModelName.parse(field, m.peftBaseModel)).map(base -> new Base(m.name(),
                    base == null ? 0 : base.parameterCount, m.contextLength));
        });
    }

    /** Whether a model of that name exists. Must run in a session. */
    public Uni<Boolean> exists(ModelName name) {
        return models.findByName(name).map(m -> m != null);
    }

    /**
     * Creates the trained addon, READY, with its model.created event. Must run in a transaction; fails with
     * ALREADY_EXISTS when the name was taken since the job was created.
     */
    public Uni<Void> create(ModelName name, String baseModel, int rank, int contextLength, String jobName) {
        return models.findByName(name).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(new AlreadyExistsException("model '" + name + "' already exists"));
            }
            Instant now = service.now();
            ModelEntity e = new ModelEntity();
            e.accountId = name.account();
            e.modelId = name.model();
            e.uid = UUID.randomUUID().toString();
            e.displayName = name.model();
            e.description = "Fine-tuned by " + jobName;
            e.kind = ModelEntity.HF_PEFT_ADDON;
            e.state = ModelEntity.READY;
            e.checkpointFormat = "HUGGINGFACE";
            e.defaultPrecision = ModelService.CUSTOM_PRECISION;
            e.contextLength = contextLength;
            e.worldSize = 1;
            e.peftBaseModel = baseModel;
            e.loraRank = rank;
            e.targetModules = ModelMapper.targetModulesJson(TARGET_MODULES);
            e.createTime = now;
            e.updateTime = now;
            return models.persist(e)
                    .call(() -> outbox.add(EventTypes.MODEL_CREATED, name.toString(),
                            new ModelCreated(ModelMapper.spec(e))))
                    .invoke(() -> LOG.infof("Model %s created by %s: READY", name, jobName))
                    .replaceWithVoid();
        });
    }
}
