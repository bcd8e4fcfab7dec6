-- The reconciler keeps the GPUs running jobs hold in memory (ADR 21) and reads them again only when a job changed:
-- every insert or update of a job takes the next number of the change sequence (V7), like deployments, load reports
-- and quotas.
ALTER TABLE job ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

CREATE INDEX job_change_seq ON job (change_seq);

CREATE TRIGGER job_change BEFORE INSERT OR UPDATE ON job FOR EACH ROW EXECUTE FUNCTION mark_change();
