package dev.ember.scheduler.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** The newest load report of one data-plane instance for one deployment. */
@Entity
@Table(name = "deployment_load")
@IdClass(DeploymentLoadEntity.Key.class)
public class DeploymentLoadEntity {

    @Id
    public String deployment;

    @Id
    public String instance;

    @Column(name = "requests_per_second")
    public double requestsPerSecond;

    @Column(name = "concurrent_requests")
    public double concurrentRequests;

    @Column(name = "prompt_tokens_per_second")
    public double promptTokensPerSecond;

    @Column(name = "generated_tokens_per_second")
    public double generatedTokensPerSecond;

    @Column(name = "reported_at")
    public Instant reportedAt;

    /**
     * The number the database gave this row's last insert or update (V7); read only here. The reconciler reads again
     * the rows changed since its last tick.
     */
    @Column(name = "change_seq", insertable = false, updatable = false)
    public long changeSeq;

    public static class Key implements Serializable {

        public String deployment;
        public String instance;

        public Key() {
        }

        public Key(String deployment, String instance) {
            this.deployment = deployment;
            this.instance = instance;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(deployment, k.deployment) && Objects.equals(instance,
                    k.instance);
        }

        @Override
        public int hashCode() {
            return Objects.hash(deployment, instance);
        }
    }
}
