-- Fireworks' defaults (30 s up, 10 min down, 1 h to zero, 0.8 utilisation), so rows written before policies
-- existed read back as the policy they were in fact running with.
ALTER TABLE deployment
    ADD COLUMN scale_up_window_ms       BIGINT NOT NULL DEFAULT 30000,
    ADD COLUMN scale_down_window_ms     BIGINT NOT NULL DEFAULT 600000,
    ADD COLUMN scale_to_zero_window_ms  BIGINT NOT NULL DEFAULT 3600000,
    ADD COLUMN load_targets             TEXT   NOT NULL DEFAULT '{"default":0.8}';
