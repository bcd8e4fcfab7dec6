package dev.ember.controlplane.region.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One GPU pool (accelerator type in a region) as the scheduler last reported it. */
@Entity
@Table(name = "region_pool")
@IdClass(RegionPoolEntity.Key.class)
public class RegionPoolEntity {

    @Id
    public String region;

    @Id
    @Column(name = "accelerator_type")
    public String acceleratorType;

    @Column(name = "total_gpus")
    public int totalGpus;

    @Column(name = "used_gpus")
    public int usedGpus;

    @Column(name = "free_gpus")
    public int freeGpus;

    @Column(name = "update_time")
    public Instant updateTime;

    /** A pool known by its key only (not stored, not managed): what the capacity checks need of it. */
    public static RegionPoolEntity of(String region, String acceleratorType) {
        RegionPoolEntity p = new RegionPoolEntity();
        p.region = region;
        p.acceleratorType = acceleratorType;
        return p;
    }

    public static class Key implements Serializable {

        public String region;
        public String acceleratorType;

        public Key() {
        }

        public Key(String region, String acceleratorType) {
            this.region = region;
            this.acceleratorType = acceleratorType;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && region.equals(k.region) && acceleratorType.equals(k.acceleratorType);
        }

        @Override
        public int hashCode() {
            return Objects.hash(region, acceleratorType);
        }
    }
}
