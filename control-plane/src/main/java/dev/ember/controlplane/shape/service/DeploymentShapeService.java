package dev.ember.controlplane.shape.service;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.name.DeploymentShapeName;
import dev.ember.common.name.DeploymentShapeVersionName;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.service.ModelCatalog;
import dev.ember.controlplane.shape.api.DeploymentShape;
import dev.ember.controlplane.shape.api.DeploymentShapeVersion;
import dev.ember.controlplane.shape.api.ListDeploymentShapeVersionsResponse;
import dev.ember.controlplane.shape.api.ListDeploymentShapesResponse;
import dev.ember.controlplane.shape.persistence.DeploymentShapeEntity;
import dev.ember.controlplane.shape.persistence.DeploymentShapeRepository;
import dev.ember.controlplane.shape.persistence.DeploymentShapeVersionEntity;
import dev.ember.controlplane.shape.persistence.DeploymentShapeVersionRepository;
import dev.ember.controlplane.web.list.Condition;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * Reading deployment shapes and their versions, and resolving the {@code deploymentShape} a deployment names. The
 * catalog account's shapes are public: any caller reads them; other accounts' shapes only their own callers.
 */
@ApplicationScoped
public class DeploymentShapeService {

    /** Every shape ID of an account's versions, in a versions list's URL. */
    public static final String ANY_SHAPE = "-";

    static final ListSpec.SortKey CREATE_TIME = new ListSpec.SortKey("createTime", "createTime", true);
    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "name", false);
    /**
     * Shapes are few (three per catalog model) and never change in place, so a list reads every match and pages in
     * memory, with the same parameters and tokens as the lists the database pages.
     */
    static final ListSpec SHAPES = new ListSpec("DeploymentShape", "accountId", "shapeId",
            List.of(new ListSpec.Field("baseModel", "baseModel", null),
                    new ListSpec.Field("presetType", "presetType", null),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(CREATE_TIME, NAME), CREATE_TIME);
    static final ListSpec VERSIONS = new ListSpec("DeploymentShapeVersion", "accountId", "name",
            List.of(new ListSpec.Field("baseModel", "baseModel", null).alias("snapshot.baseModel"),
                    new ListSpec.Field("presetType", "presetType", null)
                            .alias("snapshot.presetType"),
                    ListSpec.Field.bool("latestValidated", "latest"), ListSpec.Field.bool("validated", "validated")),
            List.of(CREATE_TIME, NAME), CREATE_TIME);

    @Inject
    DeploymentShapeRepository shapes;

    @Inject
    DeploymentShapeVersionRepository versions;

    @Inject
    AccountRepository accounts;

    @Inject
    ModelCatalog catalog;

    /** The account's shapes (only those for {@code targetModel} when given), one page. */
    @WithSession
    public Uni<ListDeploymentShapesResponse> list(Caller caller, String account, String pageSize, String pageToken,
            String filter, String orderBy, String readMask, String targetModel) {
        requireRead(caller, account);
        String model = targetModel == null || targetModel.isBlank()
                ? null
                : ModelName.parse("targetModel", targetModel).toString();
        ListRequest request = ListRequest.parse(SHAPES, "accounts/" + account + "/deploymentShapes?" + model, account,
                pageSize, pageToken, filter, orderBy, null);
        readMask(readMask);
        return requireAccount(account)
                .chain(() -> shapes.listOf(account, model))
                .chain(found -> versions.listOf(account, null, model, true).map(latest -> {
                    Map<String, DeploymentShapeVersionEntity> byShape = latest.stream()
                            .collect(Collectors.toMap(v -> v.shapeId, Function.identity()));
                    List<DeploymentShape> all = found.stream().map(s -> toApi(s, byShape.get(s.shapeId))).toList();
                    ListRequest.Page<DeploymentShape> page = request.page(all,
                            s -> Map.of("baseModel", s.baseModel(), "presetType", s.presetType(), "displayName",
                                    s.displayName()),
                            (s, key) -> key.equals(NAME.apiName()) ? s.name() : s.createTime(),
                            DeploymentShape::name);
                    return new ListDeploymentShapesResponse(page.items(), page.nextPageToken(), page.totalSize());
                }));
    }

    /** A shape, showing its latest version. */
    @WithSession
    public Uni<DeploymentShape> get(Caller caller, DeploymentShapeName name, String readMask) {
        requireRead(caller, name.account());
        readMask(readMask);
        return shapes.findByName(name)
                .onItem().ifNull().failWith(() -> new NotFoundException("deployment shape '" + name
                        + "' does not exist"))
                .chain(shape -> versions.find(name, shape.latestVersion).map(latest -> toApi(shape, latest)));
    }

    /**
     * A shape's versions, or with shape ID {@value #ANY_SHAPE} the versions of every shape of the account (so a
     * filter {@code baseModel = "..."} lists every version for one base model).
     */
    @WithSession
    public Uni<ListDeploymentShapeVersionsResponse> listVersions(Caller caller, String account, String shapeId,
            String pageSize, String pageToken, String filter, String orderBy, String readMask) {
        requireRead(caller, account);
        boolean any = ANY_SHAPE.equals(shapeId);
        if (!any) {
            ResourceIds.require("deploymentShapeId", shapeId);
        }
        ListRequest request = ListRequest.parse(VERSIONS, "accounts/" + account + "/deploymentShapes/" + shapeId,
                account, pageSize, pageToken, filter, orderBy, null);
        readMask(readMask);
        // The base model is the one condition the database answers; the rest are checked on the rows it returns.
        String baseModel = request.conditions().stream().filter(c -> c.field().apiName().equals("baseModel"))
                .map(Condition::value).findFirst().orElse(null);
        Uni<Void> exists = any
                ? requireAccount(account)
                : shapes.findByName(new DeploymentShapeName(account, shapeId))
                        .onItem().ifNull().failWith(() -> new NotFoundException("deployment shape '"
                                + new DeploymentShapeName(account, shapeId) + "' does not exist"))
                        .replaceWithVoid();
        return exists
                .chain(() -> shapes.listOf(account, null))
                .chain(found -> versions.listOf(account, any ? null : shapeId, baseModel, false).map(rows -> {
                    Map<String, DeploymentShapeEntity> byId = new HashMap<>();
                    found.forEach(s -> byId.put(s.shapeId, s));
                    ListRequest.Page<DeploymentShapeVersionEntity> page = request.page(rows,
                            v -> Map.of("baseModel", v.baseModel, "presetType", v.presetType, "latestValidated",
                                    Boolean.toString(v.latest), "validated", Boolean.toString(v.validated)),
                            (v, key) -> key.equals(NAME.apiName()) ? v.name().toString() : v.createTime,
                            v -> v.name().toString());
                    return new ListDeploymentShapeVersionsResponse(
                            page.items().stream().map(v -> toApi(v, byId.get(v.shapeId))).toList(),
                            page.nextPageToken(), page.totalSize());
                }));
    }

    @WithSession
    public Uni<DeploymentShapeVersion> getVersion(Caller caller, DeploymentShapeVersionName name, String readMask) {
        requireRead(caller, name.account());
        readMask(readMask);
        NotFoundException notFound = new NotFoundException("deployment shape version '" + name + "' does not exist");
        Long number = versionNumber(name.version());
        if (number == null) {
            return Uni.createFrom().failure(notFound);
        }
        return shapes.findByName(name.shapeName())
                .onItem().ifNull().failWith(() -> notFound)
                .chain(shape -> versions.find(name.shapeName(), number)
                        .onItem().ifNull().failWith(() -> notFound)
                        .map(v -> toApi(v, shape)));
    }

    /**
     * The version a deployment's {@code field} names: a shape (its latest version), a shape version, or a preset
     * ({@code fast}, {@code throughput}, {@code minimal}) of a catalog base model. A shape for another base model, one
     * that does not exist or one the caller may not read is an INVALID_ARGUMENT on {@code field}.
     */
    public Uni<ResolvedShape> resolve(Caller caller, String field, String ref, ModelEntity base) {
        DeploymentShapeName shape;
        Long number = null;
        String preset = ShapeRules.SUFFIXES.containsKey(ref.trim().toUpperCase(Locale.ROOT))
                ? ref.trim().toUpperCase(Locale.ROOT)
                : null;
        if (preset != null) {
            if (!base.accountId.equals(catalog.catalogAccount())) {
                throw InvalidArgumentException.field(field, "preset shapes ('" + ref + "') exist for catalog models "
                        + "only; name a shape, e.g. accounts/" + catalog.catalogAccount() + "/deploymentShapes/...");
            }
            shape = new DeploymentShapeName(catalog.catalogAccount(), base.modelId + ShapeRules.SUFFIXES.get(preset));
        } else if (ref.contains("/versions/")) {
            DeploymentShapeVersionName version = DeploymentShapeVersionName.parse(field, ref);
            shape = version.shapeName();
            number = versionNumber(version.version());
            if (number == null) {
                throw notFound(field, ref);
            }
        } else {
            shape = DeploymentShapeName.parse(field, ref);
        }
        if (!readable(caller, shape.account())) {
            throw notFound(field, ref);
        }
        Long wanted = number;
        return shapes.findByName(shape)
                .onItem().ifNull().failWith(() -> notFound(field, ref))
                .chain(s -> versions.find(shape, wanted != null ? wanted : s.latestVersion))
                .onItem().ifNull().failWith(() -> notFound(field, ref))
                .map(v -> {
                    if (!v.baseModel.equals(base.name())) {
                        throw InvalidArgumentException.field(field, "'" + ref + "' is a shape for " + v.baseModel
                                + ", not for " + base.name());
                    }
                    return new ResolvedShape(v.name().toString(), ShapeCatalog.snapshot(v));
                });
    }

    static DeploymentShape toApi(DeploymentShapeEntity shape, DeploymentShapeVersionEntity v) {
        return new DeploymentShape(shape.name().toString(), v.displayName, v.description, shape.createTime,
                v.createTime, v.baseModel, v.modelType, Long.toString(v.parameterCount), v.acceleratorCount,
                v.acceleratorType, v.precision, v.enableAddons, v.draftTokenCount, v.draftModel,
                v.ngramSpeculationLength, v.maxContextLength, v.presetType);
    }

    static DeploymentShapeVersion toApi(DeploymentShapeVersionEntity v, DeploymentShapeEntity shape) {
        return new DeploymentShapeVersion(v.name().toString(), v.createTime, toApi(shape, v), v.validated,
                v.publicVersion, v.latest);
    }

    /** Version IDs are 1, 2, ...; anything else names no version. */
    static Long versionNumber(String id) {
        if (!id.matches("[1-9][0-9]{0,17}")) {
            return null;
        }
        return Long.parseLong(id);
    }

    private boolean readable(Caller caller, String account) {
        return account.equals(catalog.catalogAccount()) || caller.platformAdmin()
                || caller.accountId().equals(account);
    }

    private void requireRead(Caller caller, String account) {
        ResourceIds.require("account", account);
        if (!account.equals(catalog.catalogAccount())) {
            caller.requireAccess(account);
        }
    }

    private Uni<Void> requireAccount(String account) {
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .replaceWithVoid();
    }

    /** Only whole resources are returned: an empty mask or {@code *}. */
    private static void readMask(String readMask) {
        if (readMask != null && !readMask.isBlank() && !readMask.trim().equals("*")) {
            throw InvalidArgumentException.field("readMask", "only whole resources are returned: leave readMask out "
                    + "or send '*', got '" + readMask + "'");
        }
    }

    private static InvalidArgumentException notFound(String field, String ref) {
        return InvalidArgumentException.field(field, "deployment shape '" + ref + "' does not exist");
    }
}
