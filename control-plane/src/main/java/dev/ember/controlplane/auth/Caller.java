package dev.ember.controlplane.auth;

import dev.ember.common.error.PermissionDeniedException;

/** Who sent a request, from its API key. */
public record Caller(String accountId, String userId, String role, boolean platformAdmin) {

    public static final String ADMIN = "admin";
    public static final String USER = "user";
    public static final String INFERENCE_USER = "inference-user";

    /** Reads of an account's resources: its own keys, or a platform admin's. */
    public void requireAccess(String account) {
        if (!platformAdmin && !accountId.equals(account)) {
            throw new PermissionDeniedException("ACCOUNT_MISMATCH",
                    "this API key belongs to account '" + accountId + "' and may not access account '" + account + "'");
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
}
