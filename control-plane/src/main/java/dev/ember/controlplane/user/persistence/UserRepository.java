package dev.ember.controlplane.user.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.UserName;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<UserEntity, UserEntity.Key> {

    public Uni<UserEntity> findByName(UserName name) {
        return findById(new UserEntity.Key(name.account(), name.user()));
    }

    /** Reads a user to change it, locking its row until the transaction ends. */
    public Uni<UserEntity> findByNameForUpdate(UserName name) {
        return findById(new UserEntity.Key(name.account(), name.user()), LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Long> count(ListRequest request) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return count(q.where(), q.whereParams());
    }

    public Uni<Long> countAdmins(String accountId, String adminRole) {
        return count("accountId = ?1 and role = ?2", accountId, adminRole);
    }

    /** Up to {@code limit} users the request matches, in its order, after its cursor: a keyset page. */
    public Uni<List<UserEntity>> page(ListRequest request, int limit) {
        KeysetQuery q = KeysetQuery.of(request, null);
        return find(q.page(), q.pageParams()).page(0, limit).list();
    }
}
