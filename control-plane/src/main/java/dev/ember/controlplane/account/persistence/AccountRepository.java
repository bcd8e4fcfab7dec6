package dev.ember.controlplane.account.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.controlplane.web.list.KeysetQuery;

@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<AccountEntity, String> {

    /**
     * Reads an account and locks its row until the transaction ends: changes to its users that must keep an admin
     * (demoting or deleting one) take this lock first, so two of them cannot each remove "the other" last admin.
     */
    public Uni<AccountEntity> findByIdForUpdate(String accountId) {
        return findById(accountId, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Long> count(KeysetQuery query) {
        return count(query.where(), query.whereParams());
    }

    /** Up to {@code limit} accounts of a keyset page. */
    public Uni<List<AccountEntity>> page(KeysetQuery query, int limit) {
        return find(query.page(), query.pageParams()).page(0, limit).list();
    }
}
