package dev.ember.controlplane;

import static io.restassured.RestAssured.given;

import java.time.Instant;

import io.quarkus.arc.Arc;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.controlplane.account.service.AccountService;
import dev.ember.controlplane.apikey.persistence.ApiKeyEntity;
import dev.ember.controlplane.apikey.persistence.ApiKeyRepository;
import dev.ember.controlplane.user.persistence.UserEntity;
import dev.ember.controlplane.user.persistence.UserRepository;

/**
 * Accounts for tests. The bootstrap account {@code acme} has a platform-admin key, which may act on every account;
 * isolation is shown with ordinary accounts made here directly in the database (there is no account API yet), each
 * with one user of a role and its API key.
 */
public final class TestAccounts {

    /** acme's platform-admin key (application.properties, %test). */
    public static final String ADMIN_KEY = "em_controlplanetestkey000000000000000000000";

    private TestAccounts() {
    }

    public static RequestSpecification asAdmin() {
        return as(ADMIN_KEY);
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    /**
     * Makes sure {@code account} exists with a user of {@code role} ("admin", "user" or "inference-user") holding a
     * key that is not a platform admin's; returns the key. Idempotent, as test classes share one database.
     */
    public static String ordinaryKey(String account, String role) {
        String key = ApiKeys.SECRET_PREFIX + (account + "-" + role + "-testkey-0000000000000000000000").substring(0,
                40);
        String userId = role.replace("inference-user", "inference");
        AccountService accounts = Arc.container().instance(AccountService.class).get();
        UserRepository users = Arc.container().instance(UserRepository.class).get();
        ApiKeyRepository keys = Arc.container().instance(ApiKeyRepository.class).get();
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> accounts
                    .ensure(account, account, account + "@example.com")
                    .chain(() -> users.findById(new UserEntity.Key(account, userId)))
                    .chain(user -> user != null
                            ? Uni.createFrom().voidItem()
                            : users.persist(user(account, userId, role)).replaceWithVoid())
                    .chain(() -> keys.find("keyHash", ApiKeys.hash(key)).firstResult())
                    .chain(existing -> existing != null
                            ? Uni.createFrom().voidItem()
                            : keys.persist(apiKey(account, userId, key)).replaceWithVoid())));
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create test account " + account, e);
        }
        return key;
    }

    private static UserEntity user(String account, String userId, String role) {
        UserEntity u = new UserEntity();
        u.accountId = account;
        u.userId = userId;
        u.role = role;
        u.displayName = userId;
        u.createTime = Instant.now();
        return u;
    }

    private static ApiKeyEntity apiKey(String account, String userId, String key) {
        ApiKeyEntity k = new ApiKeyEntity();
        k.keyId = account + "-" + userId;
        k.accountId = account;
        k.userId = userId;
        k.keyHash = ApiKeys.hash(key);
        k.prefix = ApiKeys.prefix(key);
        k.displayName = "test key";
        k.platformAdmin = false;
        k.createTime = Instant.now();
        return k;
    }
}
