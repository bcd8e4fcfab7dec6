-- Soft deletion: a DELETED deployment keeps its row until purge_time, when it may be hard deleted.
ALTER TABLE deployment
    ADD COLUMN delete_time  TIMESTAMPTZ,
    ADD COLUMN purge_time   TIMESTAMPTZ;

-- Listing is keyset paging inside one account: WHERE account_id = ? AND (key, deployment_id) > (?, ?)
-- ORDER BY key, deployment_id. One index per sort key keeps every page an index range scan, in either direction.
-- Ordering by name is ordering by deployment_id, which the primary key (account_id, deployment_id) already serves.
CREATE INDEX deployment_account_create_time ON deployment (account_id, create_time, deployment_id);
CREATE INDEX deployment_account_display_name ON deployment (account_id, display_name, deployment_id);

-- Filters on the base model (e.g. "which deployments serve this model") without scanning the account.
CREATE INDEX deployment_account_base_model ON deployment (account_id, base_model);

