package dev.ember.scheduler.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** An account's GPU quota for one accelerator type in one region, as the control plane last published it. */
@Entity
@Table(name = "quota")
@IdClass(QuotaEntity.Key.class)
public class QuotaEntity {

    @Id
    public String account;

    @Id
    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Id
    public String region;

    public long gpus;

    @Column(name = "update_time")
    public Instant updateTime;

    /**
     * The number the database gave this row's last insert or update (V7); read only here. The reconciler reads again
     * the rows changed since its last tick.
     */
    @Column(name = "change_seq", insertable = false, updatable = false)
    public long changeSeq;

    public static class Key implements Serializable {

        public String account;
        public String acceleratorType;
        public String region;

        public Key() {
        }

        public Key(String account, String acceleratorType, String region) {
            this.account = account;
            this.acceleratorType = acceleratorType;
            this.region = region;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && account.equals(k.account) && acceleratorType.equals(k.acceleratorType)
                    && region.equals(k.region);
        }

        @Override
        public int hashCode() {
            return Objects.hash(account, acceleratorType, region);
        }
    }
}
