package dev.ember.controlplane.apikey.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

import dev.ember.controlplane.user.persistence.UserEntity;
import dev.ember.controlplane.user.persistence.UserRepository;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKeyEntity, String> {

    @Inject
    UserRepository users;

    /** The key with this hash and its user's role, or null. */
    public Uni<ApiKeyEntity> findByHash(String keyHash) {
        return find("keyHash", keyHash).firstResult().chain(key -> key == null
                ? Uni.createFrom().nullItem()
                : users.findById(new UserEntity.Key(key.accountId, key.userId)).map(user -> {
                    key.role = user == null ? null : user.role;
                    return user == null ? null : key;
                }));
    }
}
