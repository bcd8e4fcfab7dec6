package dev.ember.controlplane.apikey.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An API key: only the SHA-256 of the secret and its first characters are kept, never the secret. */
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

    /** Set when the key was revoked; a revoked key authenticates nothing and no longer shows in lists. */
    @Column(name = "revoke_time")
    public Instant revokeTime;

    @Column(name = "revoke_reason")
    public String revokeReason;

    /** When the key last authenticated a request, written at most once per ApiKeyService#LAST_USED_RESOLUTION. */
    @Column(name = "last_used")
    public Instant lastUsed;

    public String name() {
        return "accounts/" + accountId + "/users/" + userId + "/apiKeys/" + keyId;
    }

    public boolean revoked() {
        return revokeTime != null;
    }
}
