-- Deleted deployments keep their row (their replicas drain); the 7-day idle rule asks for deletion once.
ALTER TABLE deployment
    ADD COLUMN deleted                BOOLEAN     NOT NULL DEFAULT FALSE,
    ADD COLUMN deletion_requested_at  TIMESTAMPTZ;
