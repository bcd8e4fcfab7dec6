-- What the autoscaler needs per deployment, and the newest load report of each data-plane instance.
ALTER TABLE deployment
    ADD COLUMN min_replicas             INT         NOT NULL DEFAULT 0,
    ADD COLUMN max_replicas             INT         NOT NULL DEFAULT 1,
    ADD COLUMN scale_up_window_ms       BIGINT      NOT NULL DEFAULT 30000,
    ADD COLUMN scale_down_window_ms     BIGINT      NOT NULL DEFAULT 600000,
    ADD COLUMN scale_to_zero_window_ms  BIGINT      NOT NULL DEFAULT 3600000,
    ADD COLUMN load_targets             TEXT        NOT NULL DEFAULT '{"default":0.8}',
    ADD COLUMN last_request_time        TIMESTAMPTZ,
    ADD COLUMN above_since              TIMESTAMPTZ,
    ADD COLUMN below_since              TIMESTAMPTZ,
    ADD COLUMN scaling_reason           TEXT        NOT NULL DEFAULT '';

CREATE TABLE deployment_load (
    deployment                   VARCHAR(255)     NOT NULL REFERENCES deployment (name),
    instance                     VARCHAR(128)     NOT NULL,
    requests_per_second          DOUBLE PRECISION NOT NULL,
    concurrent_requests          DOUBLE PRECISION NOT NULL,
    prompt_tokens_per_second     DOUBLE PRECISION NOT NULL,
    generated_tokens_per_second  DOUBLE PRECISION NOT NULL,
    reported_at                  TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (deployment, instance)
);
