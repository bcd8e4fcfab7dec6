-- Scaling schedules (JSON object by name), rolling replacement and GPU quotas.
ALTER TABLE deployment
    ADD COLUMN scaling_schedules   TEXT   NOT NULL DEFAULT '{}',
    -- The spec generation whose hardware (model, accelerator, precision) replicas must run; replicas of an older
    -- one are replaced one at a time.
    ADD COLUMN replica_generation  BIGINT NOT NULL DEFAULT 1,
    ADD COLUMN precision           VARCHAR(32);

UPDATE deployment SET replica_generation = generation;

ALTER TABLE replica
    ADD COLUMN generation  BIGINT NOT NULL DEFAULT 1;

UPDATE replica r SET generation = d.replica_generation FROM deployment d WHERE r.deployment_name = d.name;

-- At most gpus GPUs of one accelerator type in one region held by an account's replicas at once.
CREATE TABLE quota (
    account           VARCHAR(64) NOT NULL,
    accelerator_type  VARCHAR(32) NOT NULL,
    region            VARCHAR(32) NOT NULL,
    gpus              BIGINT      NOT NULL,
    update_time       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account, accelerator_type, region)
);

-- A node removed from the configured inventory takes no new replicas.
ALTER TABLE node
    ADD COLUMN retired BOOLEAN NOT NULL DEFAULT FALSE;
