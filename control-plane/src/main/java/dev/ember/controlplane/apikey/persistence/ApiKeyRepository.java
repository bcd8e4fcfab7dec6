package dev.ember.controlplane.apikey.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ApiKeyName;
import dev.ember.common.name.UserName;
import dev.ember.controlplane.web.list.KeysetQuery;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKeyEntity, String> {

    /** The key with this SHA-256, revoked or not, or null. */
    public Uni<ApiKeyEntity> findByHash(String keyHash) {
        return find("keyHash", keyHash).firstResult();
    }

    /** A key and the role of the user it belongs to (null when that user no longer exists). */
    public record KeyAndRole(ApiKeyEntity key, String role) {
    }

    /** The key with this SHA-256 and its user's role, in one query (every authenticated request runs it), or null. */
    public Uni<KeyAndRole> findByHashWithRole(String keyHash) {
        return getSession().chain(session -> session.createSelectionQuery("select k, u.role from ApiKeyEntity k "
                + "left join UserEntity u on u.accountId = k.accountId and u.userId = k.userId where k.keyHash = :hash",
                Object[].class).setParameter("hash", keyHash).getSingleResultOrNull())
                .map(row -> row == null ? null : new KeyAndRole((ApiKeyEntity) row[0], (String) row[1]));
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

    public Uni<Long> count(KeysetQuery query) {
        return count(query.where(), query.whereParams());
    }

    /** Up to {@code limit} keys of a keyset page: the (account, user, create_time, key_id) index answers it. */
    public Uni<List<ApiKeyEntity>> page(KeysetQuery query, int limit) {
        return find(query.page(), query.pageParams()).page(0, limit).list();
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
