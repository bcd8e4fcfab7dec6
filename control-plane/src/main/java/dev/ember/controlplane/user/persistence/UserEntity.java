package dev.ember.controlplane.user.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

@Entity
@Table(name = "app_user")
@IdClass(UserEntity.Key.class)
public class UserEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "user_id")
    public String userId;

    public String role;

    @Column(name = "display_name")
    public String displayName;

    public String email;

    @Column(name = "service_account")
    public boolean serviceAccount;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    /**
     * Raised by every change through the API; the entity tag is made from it. 1 when created, set where the entity is
     * made: an initializer here would run on every load and make each loaded row dirty (an UPDATE at every flush).
     */
    public long revision;

    public String name() {
        return "accounts/" + accountId + "/users/" + userId;
    }

    public static class Key implements Serializable {

        public String accountId;
        public String userId;

        public Key() {
        }

        public Key(String accountId, String userId) {
            this.accountId = accountId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(accountId, k.accountId) && Objects.equals(userId, k.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, userId);
        }
    }
}
