-- The usage ledger: tokens the data planes served (one row per usage report, so a redelivered one counts once) and
-- GPU time each replica held (from its placement until it terminated).
CREATE TABLE token_usage (
    instance           VARCHAR(128) NOT NULL,
    sequence           BIGINT       NOT NULL,
    account_id         VARCHAR(63)  NOT NULL,
    model              VARCHAR(255) NOT NULL,
    deployment         VARCHAR(255),
    api_key            VARCHAR(255),
    usage_type         VARCHAR(32)  NOT NULL,
    requests           BIGINT       NOT NULL,
    prompt_tokens      BIGINT       NOT NULL,
    completion_tokens  BIGINT       NOT NULL,
    window_start       TIMESTAMPTZ  NOT NULL,
    window_end         TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (instance, sequence)
);

CREATE INDEX token_usage_account_time ON token_usage (account_id, window_end);

CREATE TABLE gpu_usage (
    replica           VARCHAR(255) PRIMARY KEY,
    account_id        VARCHAR(63)  NOT NULL,
    deployment        VARCHAR(255) NOT NULL,
    accelerator_type  VARCHAR(32)  NOT NULL,
    gpus              INT          NOT NULL,
    start_time        TIMESTAMPTZ,
    end_time          TIMESTAMPTZ,
    last_sequence     BIGINT       NOT NULL
);

CREATE INDEX gpu_usage_account ON gpu_usage (account_id, start_time);
