-- :scale requests: the newest one applied (they are numbered per deployment, so a redelivered or older one changes
-- nothing), and when one asked for zero replicas (traffic from before it does not wake the deployment again).
ALTER TABLE deployment
    ADD COLUMN scale_sequence   BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN manual_zero_at   TIMESTAMPTZ;

-- What replicas' servers are started with beyond their hardware (speculative decoding, addons, context length), as
-- DeploymentSpec.servingOptions() writes it: a change replaces the replicas, like new hardware.
ALTER TABLE deployment
    ADD COLUMN serving_options  TEXT        NOT NULL DEFAULT '';
