package dev.ember.controlplane.account.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<AccountEntity, String> {

    /**
     * Reads an account and locks its row until the transaction ends: changes to its users that must keep an admin
     * (demoting or deleting one) take this lock first, so two of them cannot each remove "the other" last admin.
     */
    public Uni<AccountEntity> findByIdForUpdate(String accountId) {
        return findById(accountId, LockModeType.PESSIMISTIC_WRITE);
    }

    /** How many accounts a list shows: all, or only {@code only} when it is not null. */
    public Uni<Long> count(String only) {
        return only == null ? count() : count("accountId", only);
    }

    /** Up to {@code limit} accounts by ID, after {@code after} (from the first when null): a keyset page. */
    public Uni<List<AccountEntity>> page(String only, String after, int limit) {
        Parameters params = new Parameters();
        StringBuilder hql = new StringBuilder("from AccountEntity where 1 = 1");
        if (only != null) {
            hql.append(" and accountId = :only");
            params.and("only", only);
        }
        if (after != null) {
            hql.append(" and accountId > :after");
            params.and("after", after);
        }
        return find(hql.append(" order by accountId").toString(), params).page(0, limit).list();
    }
}
