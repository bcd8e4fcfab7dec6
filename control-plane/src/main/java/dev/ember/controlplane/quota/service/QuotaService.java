package dev.ember.controlplane.quota.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.error.PermissionDeniedException;
import dev.ember.common.error.ResourceExhaustedException;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.GpuQuota;
import dev.ember.common.hardware.Region;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.outbox.Outbox;
import dev.ember.common.quota.QuotaDefaults;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.quota.api.Quota;
import dev.ember.controlplane.quota.persistence.QuotaEntity;
import dev.ember.controlplane.quota.persistence.QuotaRepository;
import dev.ember.controlplane.region.service.RegionService;
import dev.ember.controlplane.web.Etags;
import dev.ember.controlplane.web.QueryParams;
import dev.ember.controlplane.web.Tagged;

/**
 * GPU quotas per account, accelerator type and region ({@code h100-us-iowa-1}): one for every pool the scheduler
 * reports, at the configured defaults until set; and the serverless rate limits
 * ({@code serverless-requests-per-minute}, {@code serverless-tokens-per-minute}). A change publishes
 * {@code quota.updated} so the scheduler (GPUs) or the data plane (serverless) enforces it; creates and updates of
 * deployments that would go beyond a GPU quota fail here with RESOURCE_EXHAUSTED first.
 */
@ApplicationScoped
public class QuotaService {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    @Inject
    QuotaRepository quotas;

    @Inject
    AccountRepository accounts;

    @Inject
    QuotaDefaults defaults;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    /** The account's quotas by ID, one page, in ID order. */
    @WithSession
    public Uni<Quota.ListQuotasResponse> list(Caller caller, String account, String pageSize, String pageToken,
            String filter) {
        caller.requireAccess(account);
        List<FieldViolation> violations = new ArrayList<>();
        int size = QueryParams.pageSize(pageSize, violations);
        String after = afterToken(pageToken, violations);
        if (filter != null && !filter.isBlank()) {
            violations.add(new FieldViolation("filter", "quotas cannot be filtered; list them all (there are few)"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return requireAccount(account).chain(() -> snapshot(account)).map(s -> {
            List<String> ids = s.ids().stream().filter(id -> after == null || id.compareTo(after) > 0).toList();
            List<String> page = ids.subList(0, Math.min(size, ids.size()));
            String next = ids.size() > page.size() ? token(page.get(page.size() - 1)) : null;
            return new Quota.ListQuotasResponse(page.stream().map(id -> s.toApi(account, id)).toList(), next,
                    s.ids().size());
        });
    }

    /** A quota with its entity tag (a quota never set is at revision 0). */
    @WithSession
    public Uni<Tagged<Quota>> get(Caller caller, String account, String quotaId) {
        caller.requireAccess(account);
        return requireAccount(account).chain(() -> snapshot(account)).map(s -> {
            if (!s.ids().contains(quotaId)) {
                throw notFound(account, quotaId);
            }
            return s.tagged(account, quotaId);
        });
    }

    /**
     * Sets a quota's value (account admins, up to its maxValue) and maxValue (platform admins only). Values are GPUs;
     * lowering one below what is in use stops new replicas, it removes none. With {@code ifMatch}, only if the quota is
     * still at that entity tag; the account row is locked, so two updates of its quotas never interleave.
     */
    @WithTransaction
    public Uni<Tagged<Quota>> update(Caller caller, String account, String quotaId, Quota body, String ifMatch) {
        caller.requireWrite(account);
        if (!caller.platformAdmin() && !Caller.ADMIN.equals(caller.role())) {
            throw new PermissionDeniedException("ROLE_ADMIN_REQUIRED", "only account admins may change quotas");
        }
        if (body == null) {
            throw InvalidArgumentException.field("body", "a quota with value (and maxValue) is required");
        }
        List<FieldViolation> violations = new ArrayList<>();
        Long value = int64("value", body.value(), violations);
        Long maxValue = int64("maxValue", body.maxValue(), violations);
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        if (maxValue != null && !caller.platformAdmin()) {
            throw new PermissionDeniedException("PLATFORM_ADMIN_REQUIRED",
                    "only platform admins may change a quota's maxValue");
        }
        GpuQuota gpuQuota = QuotaDefaults.isServerless(quotaId)
                ? null
                : GpuQuota.parse(quotaId).orElseThrow(() -> notFound(account, quotaId));
        return accounts.findByIdForUpdate(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> snapshot(account)).chain(s -> {
                    if (!s.ids().contains(quotaId)) {
                        throw notFound(account, quotaId);
                    }
                    QuotaEntity stored = s.stored().get(quotaId);
                    Etags.require(ifMatch, s.revision(quotaId),
                            "quota 'accounts/" + account + "/quotas/" + quotaId + "'");
                    long newMax = maxValue != null
                            ? maxValue
                            : stored != null ? stored.maxValue : defaults.defaultMax(quotaId);
                    long newValue = value != null
                            ? value
                            : stored != null ? stored.value : defaults.defaultValue(quotaId);
                    if (newValue > newMax) {
                        throw InvalidArgumentException.field("value",
                                "must be at most maxValue (" + newMax + "), got " + newValue);
                    }
                    QuotaEntity q = stored != null ? stored : new QuotaEntity();
                    q.revision = s.revision(quotaId) + 1;
                    q.accountId = account;
                    q.quotaId = quotaId;
                    q.value = newValue;
                    q.maxValue = newMax;
                    q.updateTime = clock.instant().truncatedTo(ChronoUnit.MICROS);
                    s.stored().put(quotaId, q);
                    String name = "accounts/" + account + "/quotas/" + quotaId;
                    // A serverless rate limit has no accelerator or region; the data plane applies it.
                    QuotaUpdated event = new QuotaUpdated(name, account,
                            gpuQuota == null ? null : gpuQuota.acceleratorType().name(),
                            gpuQuota == null ? null : gpuQuota.region().name(), newValue, q.updateTime);
                    return (stored != null ? Uni.createFrom().item(q) : quotas.persist(q))
                            .call(() -> outbox.add(EventTypes.QUOTA_UPDATED, name, event))
                            .map(ignored -> s.tagged(account, quotaId));
                });
    }

    /**
     * What a deployment's capacity checks need, in one read: whether the account exists, the GPU pools, its quotas
     * and what its deployments hold (committed), {@code self} (the deployment being updated, may be null) left out.
     * Read before the deployment's row is written, so that its stored share is the one left out.
     */
    public Uni<QuotaRepository.Capacity> capacity(String account, DeploymentEntity self) {
        return quotas.capacity(account, self == null ? null : self.deploymentId);
    }

    /**
     * Refuses a deployment whose minimum replicas would take more GPUs than the account's quotas leave in the regions
     * its placement allows, judged on {@code capacity} (read by {@link #capacity}). Returns the quota (GPUs) of the
     * placement's region when it names one region with a quota, for the commit to check again (ADR 30); else null.
     */
    public Long requireRoom(QuotaRepository.Capacity capacity, String account, AcceleratorType type,
            int gpusPerReplica, int replicas, String placement) {
        int needed = gpusPerReplica * Math.max(replicas, 1);
        List<String> allowed = RegionService.regionsOf(placement);
        List<QuotaEntity> rows = new ArrayList<>();
        capacity.quotaValues().forEach((id, value) -> {
            QuotaEntity q = new QuotaEntity();
            q.accountId = account;
            q.quotaId = id;
            q.value = value;
            rows.add(q);
        });
        Snapshot s = snapshot(capacity, rows);
        long room = 0;
        List<String> full = new ArrayList<>();
        for (String region : allowed) {
            String id = new GpuQuota(type, Region.valueOf(region)).id();
            if (!s.ids().contains(id)) {
                continue;
            }
            long left = s.value(id) - s.usage().getOrDefault(id, 0L);
            // A replica needs all its GPUs in one region.
            room += left >= gpusPerReplica ? left - left % gpusPerReplica : 0;
            full.add(id + " (" + s.usage().getOrDefault(id, 0L) + " of " + s.value(id) + " GPUs in use)");
        }
        if (!full.isEmpty() && room < needed) {
            throw new ResourceExhaustedException("QUOTA_EXCEEDED", "the deployment needs " + Math.max(replicas, 1)
                    + " x " + gpusPerReplica + " " + type + " GPUs in " + placement + " but the account's quota "
                    + "leaves room for " + room + ": " + String.join(", ", full)
                    + "; raise the quota or lower minReplicaCount or acceleratorCount");
        }
        // One region with a quota: the commit checks that quota again, with the writes committed meanwhile counted.
        return allowed.size() == 1 && !full.isEmpty()
                ? s.value(new GpuQuota(type, Region.valueOf(allowed.get(0))).id())
                : null;
    }

    /** What the account's quotas are now: the IDs of known pools and stored quotas, values, and usage. */
    private record Snapshot(TreeSet<String> ids, Map<String, QuotaEntity> stored, Map<String, Long> usage,
            QuotaDefaults defaults) {

        long value(String id) {
            QuotaEntity q = stored.get(id);
            return q != null ? q.value : defaults.defaultValue(id);
        }

        /** Raised by every update; 0 for a quota still at the defaults. */
        long revision(String id) {
            QuotaEntity q = stored.get(id);
            return q != null ? q.revision : 0;
        }

        Tagged<Quota> tagged(String account, String id) {
            return new Tagged<>(toApi(account, id), Etags.of(revision(id)));
        }

        Quota toApi(String account, String id) {
            QuotaEntity q = stored.get(id);
            return new Quota("accounts/" + account + "/quotas/" + id, Long.toString(value(id)),
                    Long.toString(q != null ? q.maxValue : defaults.defaultMax(id)),
                    (double) usage.getOrDefault(id, 0L), q != null ? q.updateTime : null);
        }
    }

    private Uni<Snapshot> snapshot(String account) {
        return quotas.capacity(account, null)
                .chain(capacity -> quotas.listByAccount(account).map(rows -> snapshot(capacity, rows)));
    }

    /** The quotas of {@code rows} (stored quotas; every known pool has one at the defaults) and the usage. */
    private Snapshot snapshot(QuotaRepository.Capacity capacity, List<QuotaEntity> rows) {
        TreeSet<String> ids = new TreeSet<>(List.of(QuotaDefaults.SERVERLESS_REQUESTS,
                QuotaDefaults.SERVERLESS_TOKENS));
        capacity.pools().forEach(p -> quotaId(p.acceleratorType, p.region).ifPresent(ids::add));
        Map<String, QuotaEntity> stored = new HashMap<>();
        for (QuotaEntity q : rows) {
            stored.put(q.quotaId, q);
            ids.add(q.quotaId);
        }
        Map<String, Long> usage = new HashMap<>();
        for (QuotaRepository.GpuHolding h : capacity.holdings()) {
            quotaId(h.acceleratorType(), h.region()).ifPresent(id -> usage.merge(id, h.gpus(), Long::sum));
        }
        return new Snapshot(ids, stored, usage, defaults);
    }

    private static Optional<String> quotaId(String type, String region) {
        Optional<AcceleratorType> t = AcceleratorType.find(type);
        Optional<Region> r = Region.find(region);
        return t.isPresent() && r.isPresent() ? Optional.of(new GpuQuota(t.get(), r.get()).id()) : Optional.empty();
    }

    private Uni<Void> requireAccount(String account) {
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .replaceWithVoid();
    }

    private static NotFoundException notFound(String account, String quotaId) {
        return new NotFoundException("quota 'accounts/" + account + "/quotas/" + quotaId + "' does not exist; GPU "
                + "quotas are named like h100-us-iowa-1, one per accelerator type and region, and the serverless rate "
                + "limits " + QuotaDefaults.SERVERLESS_REQUESTS + " and " + QuotaDefaults.SERVERLESS_TOKENS
                + " (see GET "
                + "/v1/accounts/" + account + "/quotas)");
    }

    private static Long int64(String field, String value, List<FieldViolation> violations) {
        if (value == null) {
            return null;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) {
                violations.add(new FieldViolation(field, "must not be negative, got " + v));
            }
            return v;
        } catch (NumberFormatException e) {
            violations.add(new FieldViolation(field, "must be a whole number, got '" + value + "'"));
            return null;
        }
    }

    private static String token(String lastId) {
        return ENCODER.encodeToString(("quota:" + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static String afterToken(String pageToken, List<FieldViolation> violations) {
        if (pageToken == null || pageToken.isEmpty()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            if (decoded.startsWith("quota:") && ResourceIds.isValid(decoded.substring(6))) {
                return decoded.substring(6);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        violations.add(new FieldViolation("pageToken", "is not a token from a previous ListQuotas response"));
        return null;
    }
}
