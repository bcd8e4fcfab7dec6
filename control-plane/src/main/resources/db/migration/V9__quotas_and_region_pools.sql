-- GPU pools as the scheduler last reported them (its capacity events), and the quotas accounts set.
CREATE TABLE region_pool (
    region            VARCHAR(32) NOT NULL,
    accelerator_type  VARCHAR(32) NOT NULL,
    total_gpus        INT         NOT NULL,
    used_gpus         INT         NOT NULL,
    free_gpus         INT         NOT NULL,
    update_time       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (region, accelerator_type)
);

CREATE TABLE quota (
    account_id   VARCHAR(63) NOT NULL REFERENCES account (account_id),
    quota_id     VARCHAR(63) NOT NULL,
    value        BIGINT      NOT NULL,
    max_value    BIGINT      NOT NULL,
    update_time  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, quota_id)
);
