package dev.ember.controlplane.user.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.UserName;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<UserEntity, UserEntity.Key> {

    public Uni<UserEntity> findByName(UserName name) {
        return findById(new UserEntity.Key(name.account(), name.user()));
    }

    /** Reads a user to change it, locking its row until the transaction ends. */
    public Uni<UserEntity> findByNameForUpdate(UserName name) {
        return findById(new UserEntity.Key(name.account(), name.user()), LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Long> countIn(String accountId) {
        return count("accountId", accountId);
    }

    public Uni<Long> countAdmins(String accountId, String adminRole) {
        return count("accountId = ?1 and role = ?2", accountId, adminRole);
    }

    /** Up to {@code limit} users of the account by ID, after {@code after} (from the first when null). */
    public Uni<List<UserEntity>> page(String accountId, String after, int limit) {
        Parameters params = Parameters.with("account", accountId);
        String hql = "from UserEntity where accountId = :account";
        if (after != null) {
            hql += " and userId > :after";
            params.and("after", after);
        }
        return find(hql + " order by userId", params).page(0, limit).list();
    }
}
