package dev.ember.controlplane.apikey.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyRevoked;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.ApiKeyName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.name.UserName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.apikey.api.ApiKey;
import dev.ember.controlplane.apikey.api.CreateApiKeyRequest;
import dev.ember.controlplane.apikey.api.DeleteApiKeyRequest;
import dev.ember.controlplane.apikey.api.ListApiKeysResponse;
import dev.ember.controlplane.apikey.persistence.ApiKeyEntity;
import dev.ember.controlplane.apikey.persistence.ApiKeyRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.user.persistence.UserRepository;
import dev.ember.controlplane.web.Values;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * API keys: creation (the secret is shown once, only its SHA-256 is kept), revocation with its event, and the
 * authentication of every control-plane request. Revocation is immediate here and reaches every data plane through
 * {@code apikey.revoked} within the outbox poll interval plus Kafka's delivery.
 */
@ApplicationScoped
public class ApiKeyService {

    /** {@code lastUsed} is written at most once per key in this window, so using a key costs no write per request. */
    public static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    /** Fireworks: "defaults to 'default' if not specified". */
    public static final String DEFAULT_DISPLAY_NAME = "default";
    private static final int KEY_ID_LENGTH = 12;
    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);

    @Inject
    ApiKeyRepository keys;

    @Inject
    UserRepository users;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    /** A new key for the user; the answer carries the secret {@code key}, which is never shown again. */
    @WithTransaction
    public Uni<ApiKey> create(Caller caller, UserName user, CreateApiKeyRequest body) {
        caller.requireKeyManagement(user.account(), user.user());
        ApiKey request = validate(body);
        return users.findByName(user)
                .onItem().ifNull().failWith(() -> userNotFound(user))
                .chain(owner -> {
                    String secret = ApiKeys.generate();
                    ApiKeyEntity k = new ApiKeyEntity();
                    k.keyId = ResourceIds.generate(KEY_ID_LENGTH);
                    k.accountId = user.account();
                    k.userId = user.user();
                    k.keyHash = ApiKeys.hash(secret);
                    k.prefix = ApiKeys.prefix(secret);
                    k.displayName = request.displayName() == null ? DEFAULT_DISPLAY_NAME : request.displayName();
                    k.createTime = now();
                    k.expireTime = request.expireTime() == null
                            ? null
                            : request.expireTime().truncatedTo(ChronoUnit.MICROS);
                    LOG.infof("API key %s (%s...) created for %s by %s", k.keyId, k.prefix, user, caller.userId());
                    return keys.persist(k)
                            .call(() -> outbox.add(EventTypes.API_KEY_CREATED, k.name(), new ApiKeyCreated(k.name(),
                                    k.accountId, k.userId, owner.role, k.keyHash, k.prefix, k.expireTime,
                                    k.createTime)))
                            .map(ignored -> toApi(k, owner.email, secret));
                });
    }

    @WithSession
    public Uni<ApiKey> get(Caller caller, ApiKeyName name) {
        caller.requireKeyManagement(name.account(), name.user().user());
        return users.findByName(name.user())
                .onItem().ifNull().failWith(() -> userNotFound(name.user()))
                .chain(owner -> keys.findByName(name)
                        .onItem().ifNull().failWith(() -> keyNotFound(name))
                        .map(k -> {
                            if (k.revoked()) {
                                throw keyNotFound(name);
                            }
                            return toApi(k, owner.email, null);
                        }));
    }

    /** One page of the user's keys that are not revoked, oldest first; never with a secret. */
    @WithSession
    public Uni<ListApiKeysResponse> list(Caller caller, UserName user, ListRequest request) {
        caller.requireKeyManagement(user.account(), user.user());
        KeysetQuery query = ApiKeyLists.query(request, user);
        return users.findByName(user)
                .onItem().ifNull().failWith(() -> userNotFound(user))
                .chain(owner -> keys.count(query)
                        .chain(total -> keys.page(query, request.pageSize() + 1).map(rows -> {
                            boolean more = rows.size() > request.pageSize();
                            List<ApiKeyEntity> shown = more ? rows.subList(0, request.pageSize()) : rows;
                            return new ListApiKeysResponse(shown.stream().map(k -> toApi(k, owner.email, null))
                                    .toList(),
                                    more ? ApiKeyLists.nextPageToken(request, shown.get(shown.size() - 1)) : null,
                                    Math.toIntExact(total));
                        })));
    }

    /**
     * Revokes a key (Fireworks' DeleteApiKey): the row stays, marked revoked, so that using the key says so. The
     * {@code apikey.revoked} event leaves with the commit.
     */
    @WithTransaction
    public Uni<Void> revoke(Caller caller, UserName user, DeleteApiKeyRequest body) {
        caller.requireKeyManagement(user.account(), user.user());
        if (body == null || body.keyId() == null || body.keyId().isEmpty()) {
            throw InvalidArgumentException.field("keyId", "is required: the ID of the key to delete");
        }
        ApiKeyName name = new ApiKeyName(user, body.keyId());
        String reason = "revoked by user '" + caller.userId() + "' of account '" + caller.accountId() + "'";
        return keys.findByNameForUpdate(name)
                .onItem().ifNull().failWith(() -> keyNotFound(name))
                .chain(k -> k.revoked() ? Uni.createFrom().failure(keyNotFound(name)) : revoke(k, reason))
                .replaceWithVoid();
    }

    /** Revokes every key of the user, with an event each; returns their names. Must run in a transaction. */
    public Uni<List<String>> revokeAll(UserName user, String reason) {
        return keys.activeOfForUpdate(user).chain(active -> {
            List<String> names = new ArrayList<>();
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ApiKeyEntity k : active) {
                names.add(k.name());
                chain = chain.chain(() -> revoke(k, reason));
            }
            return chain.replaceWith(names);
        });
    }

    private Uni<Void> revoke(ApiKeyEntity k, String reason) {
        k.revokeTime = now();
        k.revokeReason = reason;
        LOG.infof("API key %s (%s...) %s", k.name(), k.prefix, reason);
        return outbox.add(EventTypes.API_KEY_REVOKED, k.name(), new ApiKeyRevoked(k.name(), k.accountId, k.userId,
                k.keyHash, k.prefix, k.revokeTime, reason));
    }

    /**
     * Who a request's key belongs to, or a 401 that says why not: unknown, revoked (when and why) or expired. A use
     * is recorded in {@code lastUsed} when none is within {@link #LAST_USED_RESOLUTION}.
     */
    public Uni<Caller> authenticate(String secret) {
        return Panache.withSession(() -> keys.findByHashWithRole(ApiKeys.hash(secret)).chain(found -> {
            Instant now = clock.instant();
            if (found == null) {
                throw new UnauthenticatedException("INVALID_API_KEY", "the API key is not valid (unknown key)");
            }
            ApiKeyEntity k = found.key();
            if (k.revoked()) {
                throw new UnauthenticatedException("API_KEY_REVOKED", "the API key " + k.prefix + "... was revoked at "
                        + k.revokeTime + ": " + k.revokeReason);
            }
            if (k.expireTime != null && !k.expireTime.isAfter(now)) {
                throw new UnauthenticatedException("API_KEY_EXPIRED", "the API key " + k.prefix + "... expired at "
                        + k.expireTime);
            }
            if (found.role() == null) {
                // Deleting a user revokes its keys in the same transaction; this is only a guard.
                throw new UnauthenticatedException("API_KEY_REVOKED", "the API key " + k.prefix
                        + "... belongs to a user that no longer exists");
            }
            Caller caller = new Caller(k.accountId, k.userId, found.role(), k.platformAdmin);
            return recordUseIfDue(k, now).replaceWith(caller);
        }));
    }

    /**
     * Applies a use reported by a data plane ({@code apikey.used}): the same conditional write as a control-plane
     * request, so reports are idempotent and never move {@code lastUsed} backwards.
     */
    @WithTransaction
    public Uni<Void> recordUse(ApiKeyName name, Instant at) {
        Instant time = at.truncatedTo(ChronoUnit.MICROS);
        return keys.findByName(name).chain(k -> k == null
                ? Uni.createFrom().voidItem()
                : keys.recordUse(k.keyId, time, time.minus(LAST_USED_RESOLUTION)).replaceWithVoid());
    }

    private Uni<Void> recordUseIfDue(ApiKeyEntity k, Instant now) {
        Instant notBefore = now.minus(LAST_USED_RESOLUTION);
        if (k.lastUsed != null && !k.lastUsed.isBefore(notBefore)) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> keys.recordUse(k.keyId, now.truncatedTo(ChronoUnit.MICROS), notBefore))
                .replaceWithVoid();
    }

    private ApiKey validate(CreateApiKeyRequest body) {
        if (body == null || body.apiKey() == null) {
            throw InvalidArgumentException.field("apiKey",
                    "is required: send {\"apiKey\": {\"displayName\": ...}} (an empty object takes the defaults)");
        }
        ApiKey key = body.apiKey();
        List<FieldViolation> violations = new ArrayList<>();
        Values.displayName("apiKey.displayName", key.displayName(), violations);
        if (key.expireTime() != null && !key.expireTime().isAfter(clock.instant())) {
            violations.add(new FieldViolation("apiKey.expireTime",
                    "must be in the future, got " + key.expireTime() + " (now is " + clock.instant() + ")"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return key;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static ApiKey toApi(ApiKeyEntity k, String ownerEmail, String secret) {
        return new ApiKey(k.keyId, k.displayName, secret, k.createTime, true, ownerEmail, k.prefix, k.expireTime,
                k.lastUsed);
    }

    private static NotFoundException userNotFound(UserName user) {
        return new NotFoundException("user '" + user + "' does not exist");
    }

    private static NotFoundException keyNotFound(ApiKeyName name) {
        return new NotFoundException("API key '" + name + "' does not exist");
    }
}
