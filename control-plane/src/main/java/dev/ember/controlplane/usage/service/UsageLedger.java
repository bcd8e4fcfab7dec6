package dev.ember.controlplane.usage.service;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.event.UsageReported;
import dev.ember.common.name.DeploymentName;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;
import dev.ember.controlplane.usage.api.AccountUsage;
import dev.ember.controlplane.usage.persistence.GpuUsageEntity;
import dev.ember.controlplane.usage.persistence.TokenUsageEntity;
import dev.ember.controlplane.usage.persistence.UsageRepositories;
import dev.ember.controlplane.web.QueryParams;

/**
 * The usage ledger: serverless tokens per account and model from the data planes' usage reports, and GPU time per
 * dedicated deployment from the scheduler's replica events (a replica is billed from its placement on a node until it
 * terminates). Both are fed idempotently. Read per account and time range in daily buckets, costed with
 * {@link Prices}.
 */
@ApplicationScoped
public class UsageLedger {

    static final String SERVERLESS = UsageReported.SERVERLESS;
    static final String DEDICATED = UsageReported.DEDICATED_DEPLOYMENT;
    private static final Duration MAX_RANGE = Duration.ofDays(31);
    private static final Set<String> GPU_STATES = Set.of("DOWNLOADING_MODEL", "INITIALIZING", "READY", "DRAINING");
    private static final Set<String> SERVERLESS_GROUPS = Set.of("model_name", "api_key_id");
    private static final Set<String> DEDICATED_GROUPS = Set.of("deployment_name", "accelerator_type");

    @Inject
    UsageRepositories.Tokens tokens;

    @Inject
    UsageRepositories.Gpus gpus;

    @Inject
    DeploymentRepository deployments;

    @Inject
    AccountRepository accounts;

    @Inject
    Prices prices;

    @Inject
    Clock clock;

    /** Records a usage report; one seen before (same instance and sequence) changes nothing. */
    @WithTransaction
    public Uni<Void> tokensReported(UsageReported u) {
        return tokens.findById(new TokenUsageEntity.Key(u.instance(), u.sequence())).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            TokenUsageEntity e = new TokenUsageEntity();
            e.instance = u.instance();
            e.sequence = u.sequence();
            e.accountId = u.account();
            e.model = u.model();
            e.deployment = u.deployment();
            e.apiKey = u.apiKey();
            e.usageType = u.usageType() == null ? SERVERLESS : u.usageType();
            e.requests = u.requests();
            e.promptTokens = u.promptTokens();
            e.completionTokens = u.completionTokens();
            e.windowStart = u.windowStart();
            e.windowEnd = u.windowEnd();
            return tokens.persist(e).replaceWithVoid();
        });
    }

    /** Opens a replica's GPU time when it is placed and closes it when it terminates; older events change nothing. */
    @WithTransaction
    public Uni<Void> replicaUpdated(ReplicaUpdated r) {
        return gpus.findById(r.name()).chain(existing -> {
            if (existing != null && r.sequence() <= existing.lastSequence) {
                return Uni.createFrom().voidItem();
            }
            GpuUsageEntity e = existing != null ? existing : new GpuUsageEntity();
            if (existing == null) {
                e.replica = r.name();
                e.accountId = DeploymentName.parse("deployment", r.deployment()).account();
                e.deployment = r.deployment();
            }
            e.acceleratorType = r.acceleratorType();
            e.gpus = r.acceleratorCount();
            e.lastSequence = r.sequence();
            if (GPU_STATES.contains(r.state()) && e.startTime == null) {
                e.startTime = r.time();
            } else if ("TERMINATED".equals(r.state()) && e.endTime == null) {
                e.endTime = r.time();
            }
            return existing != null ? Uni.createFrom().voidItem() : gpus.persist(e).replaceWithVoid();
        });
    }

    /** A range's usage in daily buckets of {@code timezone} (UTC by default), like Fireworks' GetAccountUsage. */
    @WithSession
    public Uni<AccountUsage> usage(Caller caller, String account, String startTime, String endTime,
            String usageType, String timezone, List<String> groupBy) {
        caller.requireAccess(account);
        Query q = Query.parse(startTime, endTime, usageType, timezone, groupBy);
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> q.wants(SERVERLESS)
                        ? tokens.between(account, q.start(), q.end())
                        : Uni.createFrom().item(List.<TokenUsageEntity>of()))
                .chain(tokenRows -> (q.wants(DEDICATED)
                        ? gpus.overlapping(account, q.start(), q.end())
                        : Uni.createFrom().item(List.<GpuUsageEntity>of()))
                        .chain(gpuRows -> deployments.list("accountId", account)
                                .map(ds -> new AccountUsage(serverless(q, tokenRows),
                                        dedicated(q, gpuRows, ds)))));
    }

    private List<AccountUsage.ServerlessUsage> serverless(Query q, List<TokenUsageEntity> rows) {
        Map<String, long[]> buckets = new TreeMap<>();
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        for (TokenUsageEntity t : rows) {
            if (!SERVERLESS.equals(t.usageType)) {
                continue;
            }
            LocalDate day = t.windowEnd.atZone(q.zone()).toLocalDate();
            Map<String, String> group = new TreeMap<>();
            if (q.serverlessGroups().contains("model_name")) {
                group.put("model_name", t.model);
            }
            if (q.serverlessGroups().contains("api_key_id")) {
                group.put("api_key_id", t.apiKey == null ? "" : t.apiKey);
            }
            String key = day + "|" + group;
            groups.putIfAbsent(key, group);
            long[] sums = buckets.computeIfAbsent(key, k -> new long[2]);
            sums[0] += t.promptTokens;
            sums[1] += t.completionTokens;
        }
        List<AccountUsage.ServerlessUsage> result = new ArrayList<>();
        buckets.forEach((key, sums) -> {
            LocalDate day = LocalDate.parse(key.substring(0, key.indexOf('|')));
            Map<String, String> group = groups.get(key);
            String model = group.get("model_name");
            BigDecimal perMillion = model == null ? prices.tokenDefaultPerMillion() : tokenPrice(model);
            BigDecimal cost = perMillion.multiply(BigDecimal.valueOf(sums[0] + sums[1]))
                    .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
            result.add(new AccountUsage.ServerlessUsage(model, Long.toString(sums[0]), Long.toString(sums[1]),
                    q.dayStart(day), q.dayEnd(day), SERVERLESS, group.get("api_key_id"), group, money(cost)));
        });
        return result;
    }

    private List<AccountUsage.DedicatedUsage> dedicated(Query q, List<GpuUsageEntity> rows,
            List<DeploymentEntity> ds) {
        Map<String, DeploymentEntity> byName = new LinkedHashMap<>();
        ds.forEach(d -> byName.put(d.name().toString(), d));
        Instant now = clock.instant();
        Map<String, long[]> buckets = new TreeMap<>();
        Map<String, String[]> keys = new LinkedHashMap<>();
        for (GpuUsageEntity g : rows) {
            Instant from = g.startTime.isBefore(q.start()) ? q.start() : g.startTime;
            Instant until = g.endTime != null ? g.endTime : now;
            if (until.isAfter(q.end())) {
                until = q.end();
            }
            LocalDate day = from.atZone(q.zone()).toLocalDate();
            while (from.isBefore(until)) {
                Instant dayEnd = q.dayEnd(day).isAfter(until) ? until : q.dayEnd(day);
                long millis = Duration.between(from, dayEnd).toMillis() * g.gpus;
                String deployment = q.dedicatedGroups().contains("deployment_name") ? g.deployment : "";
                String type = q.dedicatedGroups().contains("accelerator_type") ? g.acceleratorType : "";
                String key = day + "|" + deployment + "|" + type;
                keys.putIfAbsent(key, new String[]{deployment, type});
                buckets.computeIfAbsent(key, k -> new long[1])[0] += millis;
                // The cost of each replica's time at its own accelerator's price.
                buckets.computeIfAbsent(key + "|cost", k -> new long[1])[0] += gpuCostMicros(g.acceleratorType,
                        millis);
                from = dayEnd;
                day = day.plusDays(1);
            }
        }
        List<AccountUsage.DedicatedUsage> result = new ArrayList<>();
        keys.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder())).forEach(entry -> {
            String key = entry.getKey();
            String[] k = entry.getValue();
            LocalDate day = LocalDate.parse(key.substring(0, key.indexOf('|')));
            long seconds = buckets.get(key)[0] / 1000;
            BigDecimal cost = BigDecimal.valueOf(buckets.get(key + "|cost")[0], 6);
            DeploymentEntity d = byName.get(k[0]);
            Map<String, String> group = new TreeMap<>();
            if (!k[0].isEmpty()) {
                group.put("deployment_name", k[0]);
            }
            if (!k[1].isEmpty()) {
                group.put("accelerator_type", k[1]);
            }
            result.add(new AccountUsage.DedicatedUsage(k[0].isEmpty()
                    ? null
                    : k[0].substring(k[0].lastIndexOf('/')
                            + 1),
                    k[1].isEmpty() ? null : k[1], Long.toString(seconds), q.dayStart(day), q.dayEnd(day),
                    d == null ? null : d.baseModel, DEDICATED, d == null ? null : d.placement, group, money(cost)));
        });
        return result;
    }

    /** Micro-dollars for {@code gpuMillis} GPU-milliseconds of {@code type}. */
    private long gpuCostMicros(String type, long gpuMillis) {
        BigDecimal perHour = prices.gpuHour().getOrDefault(type, BigDecimal.ZERO);
        return perHour.multiply(BigDecimal.valueOf(gpuMillis)).multiply(BigDecimal.valueOf(1_000_000))
                .divide(BigDecimal.valueOf(3_600_000), 0, RoundingMode.HALF_UP).longValueExact();
    }

    private BigDecimal tokenPrice(String model) {
        String id = model.substring(model.lastIndexOf('/') + 1);
        return prices.tokensPerMillion().getOrDefault(id, prices.tokenDefaultPerMillion());
    }

    private static String money(BigDecimal usd) {
        return usd.setScale(6, RoundingMode.HALF_UP).toPlainString();
    }

    /** A checked usage query: [start, end) at most 31 days, a usage type, a time zone for days, a grouping. */
    record Query(Instant start, Instant end, String usageType, ZoneId zone, List<String> groupBy) {

        /** The serverless dimensions asked for; by model when none applies to serverless usage. */
        List<String> serverlessGroups() {
            List<String> g = groupBy.stream().filter(SERVERLESS_GROUPS::contains).toList();
            return g.isEmpty() ? List.of("model_name") : g;
        }

        /** The dedicated dimensions asked for; by deployment and accelerator when none applies to dedicated usage. */
        List<String> dedicatedGroups() {
            List<String> g = groupBy.stream().filter(DEDICATED_GROUPS::contains).toList();
            return g.isEmpty() ? List.of("deployment_name", "accelerator_type") : g;
        }

        boolean wants(String type) {
            return usageType == null || usageType.equals(type);
        }

        Instant dayStart(LocalDate day) {
            Instant s = day.atStartOfDay(zone).toInstant();
            return s.isBefore(start) ? start : s;
        }

        Instant dayEnd(LocalDate day) {
            Instant e = day.plusDays(1).atStartOfDay(zone).toInstant();
            return e.isAfter(end) ? end : e;
        }

        static Query parse(String startTime, String endTime, String usageType, String timezone,
                List<String> groupBy) {
            List<FieldViolation> violations = new ArrayList<>();
            Instant start = time("startTime", startTime, violations);
            Instant end = time("endTime", endTime, violations);
            if (start != null && end != null) {
                if (!start.isBefore(end)) {
                    violations.add(new FieldViolation("endTime", "must be after startTime"));
                } else if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
                    violations.add(new FieldViolation("endTime", "must be at most 31 days after startTime"));
                }
            }
            String type = null;
            if (usageType != null && !usageType.isEmpty() && !"USAGE_TYPE_UNSPECIFIED".equals(usageType)) {
                if (!SERVERLESS.equals(usageType) && !DEDICATED.equals(usageType)) {
                    violations.add(new FieldViolation("usageType", "must be one of USAGE_TYPE_UNSPECIFIED, "
                            + "SERVERLESS, DEDICATED_DEPLOYMENT, got '" + usageType + "'"));
                } else {
                    type = usageType;
                }
            }
            ZoneId zone = ZoneId.of("UTC");
            if (timezone != null && !timezone.isEmpty()) {
                try {
                    zone = ZoneId.of(timezone);
                } catch (DateTimeException e) {
                    violations.add(new FieldViolation("timezone", "unknown time zone '" + timezone
                            + "'; use an IANA name such as \"America/Los_Angeles\""));
                }
            }
            List<String> groups = groupBy == null ? List.of() : groupBy.stream().filter(g -> !g.isEmpty()).toList();
            if (groups.size() > 1) {
                violations.add(new FieldViolation("groupBy", "at most one dimension, got " + groups));
            }
            for (String g : groups) {
                if (!SERVERLESS_GROUPS.contains(g) && !DEDICATED_GROUPS.contains(g)) {
                    violations.add(new FieldViolation("groupBy", "unknown dimension '" + g + "'; one of model_name, "
                            + "api_key_id, deployment_name, accelerator_type"));
                }
            }
            if (!violations.isEmpty()) {
                throw InvalidArgumentException.fields(violations);
            }
            return new Query(start, end, type, zone, groups);
        }

        private static Instant time(String field, String value, List<FieldViolation> violations) {
            if (value == null || value.isEmpty()) {
                violations.add(new FieldViolation(field, "is required, e.g. 2026-11-01T00:00:00Z"));
                return null;
            }
            return QueryParams.time(field, value, violations);
        }
    }
}
