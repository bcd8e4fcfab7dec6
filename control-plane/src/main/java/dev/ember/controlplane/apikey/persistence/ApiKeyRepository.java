package dev.ember.controlplane.apikey.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ApiKeyName;
import dev.ember.common.name.UserName;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKeyEntity, String> {

    /** The key with this SHA-256, revoked or not, or null. */
    public Uni<ApiKeyEntity> findByHash(String keyHash) {
        return find("keyHash", keyHash).firstResult();
    }

    /** The key of that name (its ID, under that user), revoked or not, or null. */
    public Uni<ApiKeyEntity> findByName(ApiKeyName name) {
        return find("keyId = ?1 and accountId = ?2 and userId = ?3", name.key(), name.account(), name.user().user())
                .firstResult();
    }

    /** Reads a key to revoke it, locking its row until the transaction ends. */
    public Uni<ApiKeyEntity> findByNameForUpdate(ApiKeyName name) {
        return find("keyId = ?1 and accountId = ?2 and userId = ?3", name.key(), name.account(), name.user().user())
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Every key of the user that is not revoked, locked for revocation. */
    public Uni<List<ApiKeyEntity>> activeOfForUpdate(UserName user) {
        return find("accountId = ?1 and userId = ?2 and revokeTime is null order by createTime, keyId",
                user.account(), user.user()).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    public Uni<Long> countActive(UserName user) {
        return count("accountId = ?1 and userId = ?2 and revokeTime is null", user.account(), user.user());
    }

    /**
     * Up to {@code limit} unrevoked keys of the user by creation time (key ID breaking ties), strictly after
     * {@code (afterTime, afterId)} when given: a keyset page on the (account, user, create_time, key_id) index.
     */
    public Uni<List<ApiKeyEntity>> page(UserName user, Instant afterTime, String afterId, int limit) {
        Parameters params = Parameters.with("account", user.account()).and("user", user.user());
        StringBuilder hql = new StringBuilder(
                "from ApiKeyEntity where accountId = :account and userId = :user and revokeTime is null");
        if (afterTime != null) {
            hql.append(" and (createTime, keyId) > (:afterTime, :afterId)");
            params.and("afterTime", afterTime).and("afterId", afterId);
        }
        return find(hql.append(" order by createTime, keyId").toString(), params).page(0, limit).list();
    }

    /**
     * Records a use at {@code at}, unless one at or after {@code notBefore} is already recorded: one conditional
     * UPDATE, so concurrent requests (or data-plane instances) never move {@code lastUsed} backwards and write the
     * row at most once per window. Returns how many rows changed (0 or 1).
     */
    public Uni<Integer> recordUse(String keyId, Instant at, Instant notBefore) {
        return update("lastUsed = ?1 where keyId = ?2 and revokeTime is null and (lastUsed is null or lastUsed < ?3)",
                at, keyId, notBefore);
    }
}
