package dev.ember.controlplane.apikey.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

/** An API key: only the SHA-256 of the secret and its first characters are kept. */
@Entity
@Table(name = "api_key")
public class ApiKeyEntity {

    @Id
    @Column(name = "key_id")
    public String keyId;

    @Column(name = "account_id")
    public String accountId;

    @Column(name = "user_id")
    public String userId;

    @Column(name = "key_hash")
    public String keyHash;

    public String prefix;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "platform_admin")
    public boolean platformAdmin;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "expire_time")
    public Instant expireTime;

    /** The owning user's role, filled by the repository's queries. */
    @Transient
    public String role;

    public String name() {
        return "accounts/" + accountId + "/users/" + userId + "/apiKeys/" + keyId;
    }
}
