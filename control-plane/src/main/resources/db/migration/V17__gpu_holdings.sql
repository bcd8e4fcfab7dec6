-- What each account's live deployments hold, per accelerator type and region, kept up to date by a trigger on the
-- deployment table, so the quota check on a create or update reads a few rows instead of summing every deployment of
-- the account (ADR 27). The row a create adds GPUs to stays locked until it commits, so two creates racing for the
-- last GPUs of one region serialize on it and the second one sees the first one's GPUs.

-- The GPUs a deployment holds or is about to: max(desired, replicas, minimum, 1 while CREATING) replicas of its GPUs;
-- nothing once DELETED. The same function serves the trigger and the quota read (which leaves out a deployment being
-- updated).
CREATE FUNCTION deployment_gpus(state VARCHAR, desired INT, replicas INT, minimum INT, gpus_per_replica INT)
    RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN state = 'DELETED' THEN 0
                ELSE greatest(desired, replicas, minimum, CASE WHEN state = 'CREATING' THEN 1 ELSE 0 END)::BIGINT
                     * gpus_per_replica END
$$;

-- The region is the deployment's current region, or the one its placement names before it has one (a mega-region
-- placement not yet placed is counted under the mega-region's name, which no GPU quota names: it counts nowhere).
CREATE TABLE gpu_holding (
    account_id       VARCHAR(63) NOT NULL,
    accelerator_type VARCHAR(32) NOT NULL,
    region           VARCHAR(32) NOT NULL,
    gpus             BIGINT      NOT NULL,
    PRIMARY KEY (account_id, accelerator_type, region)
);

-- The trigger runs with the schema it was created in as its search path, whatever the writing session's is.
CREATE FUNCTION deployment_gpu_holding() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    old_gpus BIGINT := 0;
    new_gpus BIGINT := 0;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_gpus := deployment_gpus(OLD.state, OLD.desired_replica_count, OLD.replica_count, OLD.min_replica_count,
                                    OLD.accelerator_count);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_gpus := deployment_gpus(NEW.state, NEW.desired_replica_count, NEW.replica_count, NEW.min_replica_count,
                                    NEW.accelerator_count);
    END IF;
    -- Most updates (status, load, names) change nothing held: no write, no lock.
    IF TG_OP = 'UPDATE' AND old_gpus = new_gpus AND OLD.account_id = NEW.account_id
            AND OLD.accelerator_type = NEW.accelerator_type
            AND coalesce(OLD.current_region, OLD.placement) = coalesce(NEW.current_region, NEW.placement) THEN
        RETURN NULL;
    END IF;
    IF old_gpus <> 0 THEN
        UPDATE gpu_holding SET gpus = gpus - old_gpus
         WHERE account_id = OLD.account_id AND accelerator_type = OLD.accelerator_type
           AND region = coalesce(OLD.current_region, OLD.placement);
    END IF;
    IF new_gpus <> 0 THEN
        INSERT INTO gpu_holding (account_id, accelerator_type, region, gpus)
        VALUES (NEW.account_id, NEW.accelerator_type, coalesce(NEW.current_region, NEW.placement), new_gpus)
        ON CONFLICT (account_id, accelerator_type, region) DO UPDATE SET gpus = gpu_holding.gpus + EXCLUDED.gpus;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deployment_gpu_holding AFTER INSERT OR UPDATE OR DELETE ON deployment
    FOR EACH ROW EXECUTE FUNCTION deployment_gpu_holding();

INSERT INTO gpu_holding (account_id, accelerator_type, region, gpus)
SELECT account_id, accelerator_type, coalesce(current_region, placement),
       sum(deployment_gpus(state, desired_replica_count, replica_count, min_replica_count, accelerator_count))
  FROM deployment
 GROUP BY account_id, accelerator_type, coalesce(current_region, placement);

-- A create no longer reads the account before writing: the insert itself refuses an account that does not exist.
ALTER TABLE deployment ADD CONSTRAINT deployment_account FOREIGN KEY (account_id) REFERENCES account (account_id);
