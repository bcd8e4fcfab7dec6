package dev.ember.controlplane.quota.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A quota an account set; quotas never set show the configured defaults. */
@Entity(name = "AccountQuota")
@Table(name = "quota")
@IdClass(QuotaEntity.Key.class)
public class QuotaEntity {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    @Column(name = "quota_id")
    public String quotaId;

    public long value;

    @Column(name = "max_value")
    public long maxValue;

    @Column(name = "update_time")
    public Instant updateTime;

    /**
     * Raised by every change through the API; the entity tag is made from it. 1 when created, set where the entity is
     * made: an initializer here would run on every load and make each loaded row dirty (an UPDATE at every flush).
     */
    public long revision;

    public static class Key implements Serializable {

        public String accountId;
        public String quotaId;

        public Key() {
        }

        public Key(String accountId, String quotaId) {
            this.accountId = accountId;
            this.quotaId = quotaId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && accountId.equals(k.accountId) && quotaId.equals(k.quotaId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, quotaId);
        }
    }
}
