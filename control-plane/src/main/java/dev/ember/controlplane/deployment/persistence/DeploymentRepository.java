package dev.ember.controlplane.deployment.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DeploymentName;

@ApplicationScoped
public class DeploymentRepository implements PanacheRepositoryBase<DeploymentEntity, DeploymentEntity.Key> {

    public Uni<DeploymentEntity> findByName(DeploymentName name) {
        return findById(new DeploymentEntity.Key(name));
    }
}
