package dev.ember.controlplane.quota.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.name.DeploymentName;
import dev.ember.common.quota.QuotaDefaults;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentRepository;
import dev.ember.controlplane.model.service.ModelCatalog;
import dev.ember.controlplane.quota.api.ServerlessRateLimits;
import dev.ember.controlplane.quota.persistence.QuotaEntity;
import dev.ember.controlplane.quota.persistence.QuotaRepository;
import dev.ember.controlplane.web.ProtoDurations;
import dev.ember.controlplane.web.QueryParams;

/**
 * An account's serverless rate limits as Fireworks lists them: for every serverless deployment (those of the catalog
 * account, ADR 0015) one row per metric, the limit per second. Ember limits an account's requests and tokens a
 * minute across all serverless deployments, from its quotas {@value QuotaDefaults#SERVERLESS_REQUESTS} and
 * {@value QuotaDefaults#SERVERLESS_TOKENS} (or their defaults):
 * <ul>
 * <li>requests are {@link ServerlessRateLimits#REQUESTS} ({@code METRIC_UNSPECIFIED}: the metric enum has no value for
 * requests), requests a minute / 60;</li>
 * <li>tokens are counted once, prompt plus the most a request may generate, against one budget: that budget / 60 is
 * shown under both {@code TOKENS_PROMPT} and {@code TOKENS_GENERATED}, each the most either kind may use when the
 * other uses none (their sum is what is limited, not each).</li>
 * </ul>
 * The limits are the account's, shared by its requests to every serverless deployment. Ember keeps no history of
 * them, so {@code series} is empty; {@code start}, {@code end} and {@code interval} are checked and the snapshot is
 * the limits now.
 */
@ApplicationScoped
public class ServerlessRateLimitService {

    static final double SECONDS_PER_MINUTE = 60.0;

    @Inject
    QuotaRepository quotas;

    @Inject
    QuotaDefaults defaults;

    @Inject
    DeploymentRepository deployments;

    @Inject
    AccountRepository accounts;

    @Inject
    ModelCatalog catalog;

    @Inject
    Clock clock;

    @WithSession
    public Uni<ServerlessRateLimits> list(Caller caller, String account, String deployment, String start,
            String end, String interval) {
        caller.requireAccess(account);
        DeploymentName only = checkQuery(deployment, start, end, interval);
        String platform = catalog.catalogAccount();
        return accounts.findById(account)
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> deployments.list("accountId = ?1 and state <> ?2 order by deploymentId", platform,
                        DeploymentEntity.DELETED))
                .chain(serverless -> quotas.listByAccount(account).map(rows -> {
                    // The platform account's own deployments are dedicated to it, not serverless.
                    List<String> names = account.equals(platform)
                            ? List.of()
                            : serverless.stream().map(d -> d.name().toString()).toList();
                    if (only != null && !names.contains(only.toString())) {
                        throw notServerless(only);
                    }
                    long requests = value(rows, QuotaDefaults.SERVERLESS_REQUESTS);
                    long tokens = value(rows, QuotaDefaults.SERVERLESS_TOKENS);
                    List<ServerlessRateLimits.AccountRateLimit> limits = new ArrayList<>();
                    for (String name : names) {
                        if (only != null && !only.toString().equals(name)) {
                            continue;
                        }
                        limits.add(new ServerlessRateLimits.AccountRateLimit(name, ServerlessRateLimits.REQUESTS,
                                requests / SECONDS_PER_MINUTE));
                        limits.add(new ServerlessRateLimits.AccountRateLimit(name,
                                ServerlessRateLimits.TOKENS_PROMPT, tokens / SECONDS_PER_MINUTE));
                        limits.add(new ServerlessRateLimits.AccountRateLimit(name,
                                ServerlessRateLimits.TOKENS_GENERATED, tokens / SECONDS_PER_MINUTE));
                    }
                    return new ServerlessRateLimits(List.copyOf(limits), List.of());
                }));
    }

    private long value(List<QuotaEntity> rows, String quotaId) {
        return rows.stream().filter(q -> q.quotaId.equals(quotaId)).findFirst().map(q -> q.value)
                .orElseGet(() -> defaults.defaultValue(quotaId));
    }

    /** The {@code deployment} filter (null without one); the time range and interval checked as Fireworks takes them. */
    private DeploymentName checkQuery(String deployment, String start, String end, String interval) {
        List<FieldViolation> violations = new ArrayList<>();
        DeploymentName only = null;
        if (deployment != null && !deployment.isEmpty()) {
            try {
                only = DeploymentName.parse("deployment", deployment);
            } catch (InvalidArgumentException e) {
                violations.add(new FieldViolation("deployment", "must be a deployment name such as "
                        + "accounts/fireworks/deployments/llama-8b, got '" + deployment + "'"));
            }
        }
        Instant from = QueryParams.time("start", start, violations);
        Instant to = QueryParams.time("end", end, violations);
        if (from != null && !from.isBefore(to == null ? clock.instant() : to)) {
            violations.add(new FieldViolation("start", "must be before end (" + (to == null ? "now" : to) + ")"));
        }
        if (interval != null && !interval.isEmpty()) {
            try {
                if (ProtoDurations.parse("interval", interval).compareTo(Duration.ofSeconds(1)) < 0) {
                    violations.add(new FieldViolation("interval", "must be at least 1s, got '" + interval + "'"));
                }
            } catch (EmberException e) {
                violations.addAll(e.violations());
            }
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return only;
    }

    private static NotFoundException notServerless(DeploymentName deployment) {
        return new NotFoundException("deployment '" + deployment + "' is not a serverless deployment; list them all "
                + "without the deployment parameter");
    }
}
