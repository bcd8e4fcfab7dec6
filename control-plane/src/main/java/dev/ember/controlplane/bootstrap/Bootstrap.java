package dev.ember.controlplane.bootstrap;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.service.AccountService;
import dev.ember.controlplane.apikey.persistence.ApiKeyEntity;
import dev.ember.controlplane.apikey.persistence.ApiKeyRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.model.service.ModelCatalog;
import dev.ember.controlplane.user.persistence.UserEntity;
import dev.ember.controlplane.user.persistence.UserRepository;

/**
 * At startup: seeds the public catalog, and when {@code ember.bootstrap.account-id} and
 * {@code ember.bootstrap.api-key} are set, makes sure that account, its admin user and that platform-admin key exist.
 * Idempotent, and serialised across replicas by an advisory lock.
 */
@ApplicationScoped
public class Bootstrap {

    public static final String ADMIN_USER = "admin";
    private static final Logger LOG = Logger.getLogger(Bootstrap.class);
    private static final long ADVISORY_LOCK = 0x626f6f74L; // "boot"

    @Inject
    ModelCatalog catalog;

    @Inject
    AccountService accounts;

    @Inject
    UserRepository users;

    @Inject
    ApiKeyRepository keys;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @ConfigProperty(name = "ember.bootstrap.account-id")
    java.util.Optional<String> accountId;

    @ConfigProperty(name = "ember.bootstrap.api-key")
    java.util.Optional<String> apiKey;

    void onStart(@Observes StartupEvent ignored) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("select pg_advisory_xact_lock(" + ADVISORY_LOCK + ")")
                        .getSingleResult())
                .chain(() -> accounts.ensure(catalog.catalogAccount(), "Public model catalog", "catalog@localhost"))
                .chain(catalog::seed)
                .chain(this::bootstrapAdmin)));
    }

    private Uni<Void> bootstrapAdmin() {
        if (accountId.isEmpty() || apiKey.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String account = ResourceIds.require("ember.bootstrap.account-id", accountId.get());
        String key = apiKey.get();
        return accounts.ensure(account, account, "admin@localhost")
                .chain(() -> users.findById(new UserEntity.Key(account, ADMIN_USER)))
                .chain(user -> user != null ? Uni.createFrom().item(user) : users.persist(adminUser(account)))
                .chain(() -> keys.findByHash(ApiKeys.hash(key)))
                .chain(existing -> {
                    if (existing == null) {
                        return createKey(account, key);
                    }
                    if (existing.revoked()) {
                        // A revocation is deliberate: it is not undone by a restart. A new key is a new setting.
                        LOG.warnf("The bootstrap API key %s... was revoked at %s (%s); it stays revoked. Set "
                                + "EMBER_BOOTSTRAP_API_KEY to a new key to get a platform-admin key again.",
                                existing.prefix, existing.revokeTime, existing.revokeReason);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private UserEntity adminUser(String account) {
        UserEntity u = new UserEntity();
        u.revision = 1;
        u.accountId = account;
        u.userId = ADMIN_USER;
        u.role = Caller.ADMIN;
        u.displayName = "Administrator";
        u.createTime = clock.instant();
        u.updateTime = u.createTime;
        return u;
    }

    private Uni<Void> createKey(String account, String secret) {
        ApiKeyEntity k = new ApiKeyEntity();
        k.keyId = ResourceIds.generate(12);
        k.accountId = account;
        k.userId = ADMIN_USER;
        k.keyHash = ApiKeys.hash(secret);
        k.prefix = ApiKeys.prefix(secret);
        k.displayName = "bootstrap platform admin key";
        k.platformAdmin = true;
        k.createTime = clock.instant();
        LOG.infof("Created bootstrap platform-admin key %s... for account %s", k.prefix, account);
        return keys.persist(k).call(() -> outbox.add(EventTypes.API_KEY_CREATED, k.name(),
                new ApiKeyCreated(k.name(), account, ADMIN_USER, Caller.ADMIN, k.keyHash, k.prefix, null,
                        k.createTime)))
                .replaceWithVoid();
    }
}
