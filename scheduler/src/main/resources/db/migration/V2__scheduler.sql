CREATE TABLE node (
    node_id           VARCHAR(128) PRIMARY KEY,
    region            VARCHAR(32)  NOT NULL,
    accelerator_type  VARCHAR(32)  NOT NULL,
    gpus              INT          NOT NULL
);

CREATE TABLE deployment (
    name               VARCHAR(255) PRIMARY KEY,
    uid                VARCHAR(64)  NOT NULL,
    generation         BIGINT       NOT NULL,
    base_model         VARCHAR(255) NOT NULL,
    weight_bytes       BIGINT       NOT NULL,
    accelerator_type   VARCHAR(32)  NOT NULL,
    accelerator_count  INT          NOT NULL,
    placement          VARCHAR(32)  NOT NULL,
    pinned_region      VARCHAR(32),
    desired_replicas   INT          NOT NULL,
    status_sequence    BIGINT       NOT NULL DEFAULT 0,
    last_status        TEXT         NOT NULL DEFAULT '',
    create_time        TIMESTAMPTZ  NOT NULL,
    update_time        TIMESTAMPTZ  NOT NULL
);

CREATE TABLE replica (
    name                VARCHAR(255) PRIMARY KEY,
    deployment_name     VARCHAR(255) NOT NULL REFERENCES deployment (name),
    deployment_uid      VARCHAR(64)  NOT NULL,
    state               VARCHAR(32)  NOT NULL,
    node_id             VARCHAR(128) REFERENCES node (node_id),
    region              VARCHAR(32),
    accelerator_type    VARCHAR(32)  NOT NULL,
    gpus                INT          NOT NULL,
    sequence            BIGINT       NOT NULL,
    next_transition_at  TIMESTAMPTZ,
    message             TEXT         NOT NULL DEFAULT '',
    create_time         TIMESTAMPTZ  NOT NULL,
    update_time         TIMESTAMPTZ  NOT NULL
);

CREATE INDEX replica_deployment ON replica (deployment_name);
CREATE INDEX replica_state ON replica (state);
