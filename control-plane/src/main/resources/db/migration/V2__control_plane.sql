CREATE TABLE account (
    account_id    VARCHAR(63) PRIMARY KEY,
    display_name  VARCHAR(255) NOT NULL,
    account_type  VARCHAR(32)  NOT NULL,
    email         VARCHAR(255) NOT NULL,
    state         VARCHAR(32)  NOT NULL,
    create_time   TIMESTAMPTZ  NOT NULL,
    update_time   TIMESTAMPTZ  NOT NULL
);

CREATE TABLE app_user (
    account_id    VARCHAR(63) NOT NULL REFERENCES account (account_id),
    user_id       VARCHAR(63) NOT NULL,
    role          VARCHAR(32) NOT NULL,
    display_name  VARCHAR(255) NOT NULL,
    create_time   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, user_id)
);

CREATE TABLE api_key (
    key_id          VARCHAR(63)  PRIMARY KEY,
    account_id      VARCHAR(63)  NOT NULL,
    user_id         VARCHAR(63)  NOT NULL,
    key_hash        CHAR(64)     NOT NULL UNIQUE,
    prefix          VARCHAR(16)  NOT NULL,
    display_name    VARCHAR(255) NOT NULL,
    platform_admin  BOOLEAN      NOT NULL DEFAULT FALSE,
    create_time     TIMESTAMPTZ  NOT NULL,
    expire_time     TIMESTAMPTZ,
    FOREIGN KEY (account_id, user_id) REFERENCES app_user (account_id, user_id)
);

CREATE TABLE model (
    account_id              VARCHAR(63)  NOT NULL,
    model_id                VARCHAR(63)  NOT NULL,
    display_name            VARCHAR(255) NOT NULL,
    kind                    VARCHAR(32)  NOT NULL,
    state                   VARCHAR(32)  NOT NULL,
    parameter_count         BIGINT       NOT NULL,
    active_parameter_count  BIGINT       NOT NULL,
    layers                  INT          NOT NULL,
    hidden_size             INT          NOT NULL,
    kv_heads                INT          NOT NULL,
    head_dim                INT          NOT NULL,
    context_length          INT          NOT NULL,
    default_precision       VARCHAR(32)  NOT NULL,
    supports_lora           BOOLEAN      NOT NULL,
    public_model            BOOLEAN      NOT NULL,
    create_time             TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, model_id)
);

CREATE TABLE deployment (
    account_id              VARCHAR(63)  NOT NULL,
    deployment_id           VARCHAR(63)  NOT NULL,
    uid                     VARCHAR(64)  NOT NULL UNIQUE,
    generation              BIGINT       NOT NULL,
    display_name            VARCHAR(64)  NOT NULL,
    description             TEXT         NOT NULL,
    base_model              VARCHAR(255) NOT NULL,
    accelerator_type        VARCHAR(32)  NOT NULL,
    accelerator_count       INT          NOT NULL,
    precision               VARCHAR(32)  NOT NULL,
    min_replica_count       INT          NOT NULL,
    max_replica_count       INT          NOT NULL,
    placement               VARCHAR(32)  NOT NULL,
    state                   VARCHAR(32)  NOT NULL,
    status_code             VARCHAR(32)  NOT NULL,
    status_message          TEXT         NOT NULL,
    replica_count           INT          NOT NULL DEFAULT 0,
    desired_replica_count   INT          NOT NULL DEFAULT 0,
    pending_replicas        INT          NOT NULL DEFAULT 0,
    downloading_replicas    INT          NOT NULL DEFAULT 0,
    initializing_replicas   INT          NOT NULL DEFAULT 0,
    ready_replicas          INT          NOT NULL DEFAULT 0,
    current_region          VARCHAR(32),
    status_sequence         BIGINT       NOT NULL DEFAULT 0,
    create_time             TIMESTAMPTZ  NOT NULL,
    update_time             TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, deployment_id)
);
