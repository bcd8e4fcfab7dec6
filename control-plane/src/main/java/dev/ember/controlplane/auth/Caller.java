package dev.ember.controlplane.auth;

import dev.ember.common.error.NotFoundException;
import dev.ember.common.error.PermissionDeniedException;

/**
 * Who sent a request, from its API key. Another account's resources do not exist for a caller: every check answers
 * 404 for them, exactly as for an account that really does not exist, so a key never learns which other accounts
 * (or deployments, users, keys in them) exist. Within its own account, a role that may not do something gets 403.
 */
public record Caller(String accountId, String userId, String role, boolean platformAdmin) {

    public static final String ADMIN = "admin";
    public static final String USER = "user";
    public static final String INFERENCE_USER = "inference-user";

    /** Reads of an account's resources: its own keys, or a platform admin's. Others get 404. */
    public void requireAccess(String account) {
        if (!platformAdmin && !accountId.equals(account)) {
            throw new NotFoundException("account 'accounts/" + account + "' does not exist");
        }
    }

    /** Changes to an account's resources: admins and users, not inference-only users. */
    public void requireWrite(String account) {
        requireAccess(account);
        if (!platformAdmin && INFERENCE_USER.equals(role)) {
            throw new PermissionDeniedException("ROLE_INFERENCE_ONLY",
                    "users with role 'inference-user' may only run inference");
        }
    }

    /** Managing an account's users: its admins, or a platform admin. */
    public void requireAdmin(String account) {
        requireAccess(account);
        if (!isAdminOf(account)) {
            throw new PermissionDeniedException("ROLE_ADMIN_REQUIRED",
                    "only admins of account '" + account + "' may manage its users; this key's user '" + userId
                            + "' has role '" + role + "'");
        }
    }

    /** Managing a user's API keys: admins for anyone in their account; a {@code user} for their own keys only. */
    public void requireKeyManagement(String account, String user) {
        requireWrite(account);
        if (!isAdminOf(account) && !userId.equals(user)) {
            throw new PermissionDeniedException("ROLE_ADMIN_REQUIRED",
                    "only admins of account '" + account + "' may manage other users' API keys; this key's user '"
                            + userId + "' may manage its own");
        }
    }

    /** Creating accounts: platform admins only. */
    public void requirePlatformAdmin() {
        if (!platformAdmin) {
            throw new PermissionDeniedException("PLATFORM_ADMIN_REQUIRED",
                    "only a platform admin may do this; this key belongs to user '" + userId + "' of account '"
                            + accountId + "'");
        }
    }

    public boolean isAdminOf(String account) {
        return platformAdmin || (accountId.equals(account) && ADMIN.equals(role));
    }
}
