package dev.ember.controlplane.model.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelUpdated;
import dev.ember.common.name.ModelName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.blob.BlobConfig;
import dev.ember.controlplane.blob.BlobKeys;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.blob.BlobUpload;
import dev.ember.controlplane.model.api.GetUploadEndpointRequest;
import dev.ember.controlplane.model.api.GetUploadEndpointResponse;
import dev.ember.controlplane.model.api.ValidateUploadResponse;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelFileEntity;
import dev.ember.controlplane.model.persistence.ModelFileRepository;
import dev.ember.controlplane.model.persistence.ModelRepository;
import dev.ember.controlplane.upload.UploadRoute;
import dev.ember.controlplane.upload.UploadTarget;
import dev.ember.controlplane.upload.UploadToken;
import dev.ember.controlplane.upload.UploadTokens;

/**
 * A model's upload: {@code :getUploadEndpoint} declares its files and hands out one signed URL per file,
 * {@code PUT}s to those URLs store them ({@link UploadRoute}), and {@code :validateUpload} checks that every file
 * arrived whole and that the Hugging Face configs make sense, then makes the model READY. Files live in the blob store
 * under {@code accounts/<a>/models/<m>/<uid>/}, so a model created again under the same name starts empty.
 */
@ApplicationScoped
public class ModelUploads implements UploadTarget {

    static final String TYPE = "model";
    static final int MAX_FILES = 1000;
    private static final Logger LOG = Logger.getLogger(ModelUploads.class);

    @Inject
    ModelService service;

    @Inject
    ModelRepository models;

    @Inject
    ModelFileRepository files;

    @Inject
    UploadTokens tokens;

    @Inject
    BlobStore blobs;

    @Inject
    BlobConfig config;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    static String blobPrefix(ModelName name, String uid) {
        return "accounts/" + name.account() + "/models/" + name.model() + "/" + uid;
    }

    /**
     * Declares the model's complete set of files and returns a signed URL for each. Calling it again (for fresh
     * URLs, or to fix a size) replaces the set: files no longer named are dropped, a file declared with a new size
     * must be uploaded again, the others keep what was uploaded.
     *
     * @param requestBaseUrl where this request reached the control plane, used unless ember.blob.public-url is set
     */
    @WithTransaction
    public Uni<GetUploadEndpointResponse> getUploadEndpoint(Caller caller, ModelName name,
            GetUploadEndpointRequest body, String requestBaseUrl) {
        Map<String, Long> declared = declaredFiles(body);
        return service.writable(caller, name).chain(model -> {
            if (model.isReady()) {
                return Uni.createFrom().failure(new FailedPreconditionException("MODEL_ALREADY_UPLOADED", "model '"
                        + name + "' is READY: its files can no longer change; create another model to upload other "
                        + "files"));
            }
            return files.ofModel(name).chain(existing -> declare(name, existing, declared))
                    .map(v -> urls(name, model.uid, declared, requestBaseUrl));
        });
    }

    /**
     * Checks the upload and makes the model READY. Every declared file must have arrived whole (and still be in the
     * store at its size); a LoRA addon needs {@code adapter_config.json} (whose {@code r}, if any, must equal
     * {@code peftDetails.r}) and its weights; a base model needs {@code config.json} (its shape: layers, hidden size,
     * heads) and weights. Problems are 400 with one field violation per file. {@code skipHfConfigValidation} skips
     * the adapter's config checks; a base model's config.json is always read, since serving needs its shape. A READY
     * model validates again as a no-op, so a retried call succeeds.
     */
    @WithTransaction
    public Uni<ValidateUploadResponse> validateUpload(Caller caller, ModelName name, boolean skipHfConfigValidation) {
        return service.writable(caller, name).chain(model -> {
            if (model.isReady()) {
                return Uni.createFrom().item(new ValidateUploadResponse(List.of("model '" + name
                        + "' is already READY; nothing was changed")));
            }
            return files.ofModel(name).chain(declared -> {
                if (declared.isEmpty()) {
                    throw InvalidArgumentException.field("filenameToSize", "no files were declared for model '"
                            + name + "': call :getUploadEndpoint with its files, PUT each one, then :validateUpload");
                }
                List<FieldViolation> violations = new ArrayList<>();
                for (ModelFileEntity f : declared) {
                    if (!f.received()) {
                        violations.add(new FieldViolation(f.filename, "declared with " + f.sizeBytes
                                + " bytes but not uploaded: PUT it to its signed URL"));
                    }
                }
                requiredFiles(model, declared, violations);
                return storedSizes(model, declared, violations).chain(() -> {
                    if (!violations.isEmpty()) {
                        throw InvalidArgumentException.fields(violations);
                    }
                    return model.isAddon()
                            ? adapter(model, skipHfConfigValidation)
                            : baseShape(model, skipHfConfigValidation);
                }).chain(warnings -> ready(model).replaceWith(new ValidateUploadResponse(warnings)));
            });
        });
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String blobKey(UploadToken token) {
        return blobPrefix(ModelName.parse("name", token.resource()), token.uid()) + "/" + token.file();
    }

    @Override
    @WithSession
    public Uni<Void> check(UploadToken token) {
        ModelName name = ModelName.parse("name", token.resource());
        return models.findByName(name).chain(model -> expecting(model, token));
    }

    @Override
    @WithTransaction
    public Uni<Void> complete(UploadToken token, BlobUpload staged, String sha256) {
        ModelName name = ModelName.parse("name", token.resource());
        return models.findByNameForUpdate(name)
                .chain(model -> expecting(model, token))
                .chain(() -> files.find(name, token.file()))
                .call(staged::commit)
                .invoke(file -> {
                    file.sha256 = sha256;
                    file.uploadTime = clock.instant();
                    LOG.infof("Model %s: received %s (%d bytes)", name, token.file(), token.size());
                })
                .replaceWithVoid();
    }

    /** Fails unless the model (same uid) still takes uploads and still expects this file at this size. */
    private Uni<Void> expecting(ModelEntity model, UploadToken token) {
        if (model == null || !model.uid.equals(token.uid())) {
            return Uni.createFrom().failure(new NotFoundException("UPLOAD_TARGET_GONE", "model '" + token.resource()
                    + "' this upload URL was made for no longer exists"));
        }
        if (model.isReady()) {
            return Uni.createFrom().failure(new FailedPreconditionException("MODEL_ALREADY_UPLOADED", "model '"
                    + token.resource() + "' is READY: its files can no longer change"));
        }
        return files.find(model.modelName(), token.file()).map(file -> {
            if (file == null || file.sizeBytes != token.size()) {
                throw new FailedPreconditionException("UPLOAD_URL_OUTDATED", "'" + token.file() + "' is no longer "
                        + "declared with " + token.size() + " bytes for model '" + token.resource()
                        + "'; use the URL from the latest :getUploadEndpoint");
            }
            return null;
        }).replaceWithVoid();
    }

    private Map<String, Long> declaredFiles(GetUploadEndpointRequest body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a body with filenameToSize is required");
        }
        List<FieldViolation> v = new ArrayList<>();
        if (Boolean.TRUE.equals(body.enableResumableUpload())) {
            v.add(new FieldViolation("enableResumableUpload", "resumable uploads are not supported: PUT each file "
                    + "whole to its signed URL"));
        }
        Map<String, Long> sizes = body.filenameToSize();
        if (sizes == null || sizes.isEmpty()) {
            v.add(new FieldViolation("filenameToSize", "must name at least one file and its size in bytes"));
            throw InvalidArgumentException.fields(v);
        }
        if (sizes.size() > MAX_FILES) {
            v.add(new FieldViolation("filenameToSize", "at most " + MAX_FILES + " files, got " + sizes.size()));
        }
        long max = config.maxFileSize().asLongValue();
        Map<String, Long> declared = new TreeMap<>();
        sizes.forEach((file, size) -> {
            String field = "filenameToSize[\"" + file + "\"]";
            String problem = BlobKeys.problem(file);
            if (problem != null) {
                v.add(new FieldViolation(field, problem));
            } else if (size == null || size < 0) {
                v.add(new FieldViolation(field, "the size must be a number of bytes, 0 or more, got " + size));
            } else if (size > max) {
                v.add(new FieldViolation(field, size + " bytes is more than the " + max + " bytes a file may have "
                        + "(ember.blob.max-file-size)"));
            } else {
                declared.put(file, size);
            }
        });
        if (!v.isEmpty()) {
            throw InvalidArgumentException.fields(v);
        }
        return declared;
    }

    private Uni<Void> declare(ModelName name, List<ModelFileEntity> existing, Map<String, Long> declared) {
        Set<String> kept = new HashSet<>();
        List<ModelFileEntity> dropped = new ArrayList<>();
        for (ModelFileEntity f : existing) {
            Long size = declared.get(f.filename);
            if (size == null) {
                dropped.add(f);
                continue;
            }
            kept.add(f.filename);
            if (f.sizeBytes != size) {
                f.sizeBytes = size;
                f.sha256 = null;
                f.uploadTime = null;
            }
        }
        List<ModelFileEntity> added = new ArrayList<>();
        declared.forEach((file, size) -> {
            if (!kept.contains(file)) {
                ModelFileEntity f = new ModelFileEntity();
                f.accountId = name.account();
                f.modelId = name.model();
                f.filename = file;
                f.sizeBytes = size;
                added.add(f);
            }
        });
        return Multi.createFrom().iterable(dropped).onItem().transformToUniAndConcatenate(files::delete)
                .collect().last()
                .chain(() -> added.isEmpty() ? Uni.createFrom().voidItem() : files.persist(added));
    }

    private GetUploadEndpointResponse urls(ModelName name, String uid, Map<String, Long> declared,
            String requestBaseUrl) {
        String base = config.publicUrl().orElse(requestBaseUrl);
        if (!base.endsWith("/")) {
            base += "/";
        }
        Instant expires = clock.instant().plus(config.uploadUrlTtl());
        Map<String, String> urls = new LinkedHashMap<>();
        for (Map.Entry<String, Long> file : declared.entrySet()) {
            String token = tokens.sign(new UploadToken(TYPE, name.toString(), uid, file.getKey(), file.getValue(),
                    expires));
            urls.put(file.getKey(), base + UploadRoute.PATH.substring(1) + token);
        }
        return new GetUploadEndpointResponse(urls, null);
    }

    /** The files a model of this kind cannot do without. */
    private static void requiredFiles(ModelEntity model, List<ModelFileEntity> declared,
            List<FieldViolation> violations) {
        Set<String> names = new HashSet<>();
        declared.forEach(f -> names.add(f.filename));
        boolean weights;
        if (model.isAddon()) {
            if (!names.contains(HfConfigs.ADAPTER_CONFIG)) {
                violations.add(new FieldViolation(HfConfigs.ADAPTER_CONFIG, "a LoRA addon needs its "
                        + "adapter_config.json; declare and upload it"));
            }
            weights = names.contains("adapter_model.safetensors") || names.contains("adapter_model.bin");
            if (!weights) {
                violations.add(new FieldViolation("adapter_model.safetensors", "a LoRA addon needs its weights, "
                        + "adapter_model.safetensors (or adapter_model.bin); declare and upload them"));
            }
        } else {
            if (!names.contains(HfConfigs.CONFIG)) {
                violations.add(new FieldViolation(HfConfigs.CONFIG, "a base model needs its config.json; declare "
                        + "and upload it"));
            }
            weights = names.stream().anyMatch(n -> n.endsWith(".safetensors") || n.endsWith(".bin"));
            if (!weights) {
                violations.add(new FieldViolation("model.safetensors", "a base model needs its weights (*.safetensors "
                        + "or *.bin files); declare and upload them"));
            }
        }
    }

    /** Each received file must still be in the store at its declared size. */
    private Uni<Void> storedSizes(ModelEntity model, List<ModelFileEntity> declared,
            List<FieldViolation> violations) {
        String prefix = blobPrefix(model.modelName(), model.uid);
        return Multi.createFrom().iterable(declared.stream().filter(ModelFileEntity::received).toList())
                .onItem().transformToUniAndConcatenate(f -> blobs.size(prefix + "/" + f.filename).invoke(
                        (Optional<Long> size) -> {
                            if (size.isEmpty() || size.get() != f.sizeBytes) {
                                violations.add(new FieldViolation(f.filename, "the stored file is "
                                        + size.map(s -> s + " bytes").orElse("missing") + ", but " + f.sizeBytes
                                        + " were declared; upload it again"));
                            }
                        }))
                .collect().last().replaceWithVoid();
    }

    private Uni<byte[]> read(ModelEntity model, String file) {
        return blobs.read(blobPrefix(model.modelName(), model.uid) + "/" + file, HfConfigs.MAX_CONFIG_BYTES)
                .map(buffer -> buffer.getBytes())
                .onFailure(IllegalStateException.class).transform(e -> InvalidArgumentException.field(file,
                        "is larger than " + HfConfigs.MAX_CONFIG_BYTES + " bytes, too large for a config file"));
    }

    /** Checks adapter_config.json against peftDetails; may adopt its target modules. Returns the warnings. */
    private Uni<List<String>> adapter(ModelEntity model, boolean skip) {
        if (skip) {
            return Uni.createFrom().item(List.of("skipHfConfigValidation: adapter_config.json was not checked"));
        }
        return read(model, HfConfigs.ADAPTER_CONFIG).map(bytes -> {
            List<FieldViolation> v = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            JsonNode config = HfConfigs.parse(HfConfigs.ADAPTER_CONFIG, bytes, v);
            if (config != null) {
                HfConfigs.Adapter adapter = HfConfigs.adapter(config, v);
                if (adapter.peftType() != null && !adapter.peftType().equals("LORA")) {
                    v.add(new FieldViolation(HfConfigs.ADAPTER_CONFIG + ".peft_type", "must be LORA for an "
                            + "HF_PEFT_ADDON, got '" + adapter.peftType() + "'"));
                }
                if (adapter.rank() == null) {
                    warnings.add("adapter_config.json has no 'r'; peftDetails.r (" + model.loraRank + ") is used");
                } else if (!adapter.rank().equals(model.loraRank)) {
                    v.add(new FieldViolation(HfConfigs.ADAPTER_CONFIG + ".r", "is " + adapter.rank()
                            + ", but the model was created with peftDetails.r = " + model.loraRank));
                }
                List<String> declared = ModelMapper.targetModules(model);
                if (!adapter.targetModules().isEmpty()) {
                    if (declared.isEmpty()) {
                        model.targetModules = ModelMapper.targetModulesJson(adapter.targetModules());
                    } else if (!new HashSet<>(declared).equals(new HashSet<>(adapter.targetModules()))) {
                        v.add(new FieldViolation(HfConfigs.ADAPTER_CONFIG + ".target_modules", "are "
                                + adapter.targetModules() + ", but the model was created with "
                                + "peftDetails.targetModules = " + declared));
                    }
                }
            }
            if (!v.isEmpty()) {
                throw InvalidArgumentException.fields(v);
            }
            return warnings;
        });
    }

    /** Reads the base model's shape from its config.json into the model. Returns the warnings. */
    private Uni<List<String>> baseShape(ModelEntity model, boolean skip) {
        return read(model, HfConfigs.CONFIG).map(bytes -> {
            List<FieldViolation> v = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            if (skip) {
                warnings.add("skipHfConfigValidation does not apply to base models: serving needs the shape in "
                        + "their config.json, so it was read");
            }
            JsonNode config = HfConfigs.parse(HfConfigs.CONFIG, bytes, v);
            HfConfigs.Shape shape = config == null ? null : HfConfigs.shape(config, v);
            if (shape != null && model.contextLength == 0 && shape.maxPositions() == 0) {
                v.add(new FieldViolation(HfConfigs.CONFIG + ".max_position_embeddings", "is missing and the model "
                        + "has no contextLength; set one of them"));
            }
            if (!v.isEmpty()) {
                throw InvalidArgumentException.fields(v);
            }
            model.layers = shape.layers();
            model.hiddenSize = shape.hiddenSize();
            model.kvHeads = shape.kvHeads();
            model.headDim = shape.headDim();
            model.defaultPrecision = shape.precision();
            if (model.contextLength == 0) {
                model.contextLength = shape.maxPositions();
            }
            if (model.modelType == null && shape.modelType() != null) {
                model.modelType = shape.modelType();
            }
            return warnings;
        });
    }

    private Uni<Void> ready(ModelEntity model) {
        model.state = ModelEntity.READY;
        model.updateTime = service.now();
        model.revision++;
        LOG.infof("Model %s validated: READY", model.name());
        return outbox.add(EventTypes.MODEL_UPDATED, model.name(), new ModelUpdated(ModelMapper.spec(model)));
    }
}
