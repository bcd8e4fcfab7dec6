-- Incremental reconciliation (ADR 14). The reconciler keeps the fleet in memory and, on each tick, reads again only
-- the rows other writers changed since its last tick: every insert or update of a deployment, load report or quota
-- takes the next number of one sequence. Writers hold the scheduler lock (ADR 5), so the numbers of committed rows
-- only grow while the reconciler reads them.
CREATE SEQUENCE change_seq;

ALTER TABLE deployment ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deployment_load ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE quota ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

CREATE INDEX deployment_change_seq ON deployment (change_seq);
CREATE INDEX deployment_load_change_seq ON deployment_load (change_seq);
CREATE INDEX quota_change_seq ON quota (change_seq);

CREATE FUNCTION mark_change() RETURNS trigger AS $$
BEGIN
    NEW.change_seq := nextval('scheduler.change_seq');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER deployment_change BEFORE INSERT OR UPDATE ON deployment FOR EACH ROW EXECUTE FUNCTION mark_change();
CREATE TRIGGER deployment_load_change BEFORE INSERT OR UPDATE ON deployment_load
    FOR EACH ROW EXECUTE FUNCTION mark_change();
CREATE TRIGGER quota_change BEFORE INSERT OR UPDATE ON quota FOR EACH ROW EXECUTE FUNCTION mark_change();

-- Counts the reconciler's committed ticks (and inventory changes). A reconciler whose last tick is not the newest
-- (another scheduler instance ticked, or the inventory changed) drops its copy and loads the whole fleet again.
CREATE TABLE reconciler_epoch (
    id     INT    PRIMARY KEY,
    ticks  BIGINT NOT NULL
);
INSERT INTO reconciler_epoch (id, ticks) VALUES (1, 0);
