-- Jobs on the GPU pool (supervised fine-tuning, batch inference): the newest command of the control plane
-- (generation), where the job runs, and how far it got. A running job holds its GPUs like a replica does.
CREATE TABLE job (
    name              VARCHAR(255) PRIMARY KEY,
    uid               VARCHAR(64)  NOT NULL,
    kind              VARCHAR(32)  NOT NULL,
    account           VARCHAR(63)  NOT NULL,
    generation        BIGINT       NOT NULL,
    state             VARCHAR(16)  NOT NULL,
    accelerator_type  VARCHAR(64)  NOT NULL,
    gpus              INT          NOT NULL,
    node_id           VARCHAR(255),
    region            VARCHAR(64),
    total_units       BIGINT       NOT NULL,
    units_per_epoch   BIGINT       NOT NULL,
    -- Work done when the current run started, and when it started: progress is computed from the clock.
    base_units        BIGINT       NOT NULL,
    run_start         TIMESTAMPTZ,
    completed_units   BIGINT       NOT NULL,
    sequence          BIGINT       NOT NULL,
    message           TEXT         NOT NULL DEFAULT '',
    create_time       TIMESTAMPTZ  NOT NULL,
    update_time       TIMESTAMPTZ  NOT NULL
);
CREATE INDEX job_live ON job (create_time) WHERE state IN ('PENDING', 'RUNNING');
