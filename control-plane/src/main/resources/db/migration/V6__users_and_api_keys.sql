-- Users get the rest of Fireworks' gatewayUser: an email, the service-account flag and an update time.
ALTER TABLE app_user
    ADD COLUMN email            VARCHAR(255),
    ADD COLUMN service_account  BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN update_time      TIMESTAMPTZ;
UPDATE app_user SET update_time = create_time;
ALTER TABLE app_user ALTER COLUMN update_time SET NOT NULL;

-- Keys are revoked, not removed: a revoked key keeps its row so that using it says "revoked" (with why and when)
-- rather than "unknown". A deleted user's keys are revoked with it and outlive its row, so the key no longer
-- references the user (a user created again under the same ID does not see them: lists show unrevoked keys only).
ALTER TABLE api_key DROP CONSTRAINT IF EXISTS api_key_account_id_user_id_fkey;
ALTER TABLE api_key
    ADD COLUMN revoke_time    TIMESTAMPTZ,
    ADD COLUMN revoke_reason  TEXT,
    ADD COLUMN last_used      TIMESTAMPTZ;

-- A user's keys, listed in creation order (keyset paging on (create_time, key_id)).
CREATE INDEX api_key_user_create_time ON api_key (account_id, user_id, create_time, key_id);
