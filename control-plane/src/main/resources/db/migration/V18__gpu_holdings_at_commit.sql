-- GPU holdings move when a transaction commits, not when it writes its deployment row (ADR 30). V17's trigger
-- locked the holdings row of a region from a create's insert to its commit, so creates of one account, accelerator
-- type and region ran one at a time through two round trips each, and under load a queue of them woke together at
-- every commit. Now a create reads its capacity first (no lock), checks it, writes, and the holdings row is locked
-- only while the commit runs the deferred trigger. The trigger also re-checks the quota the create or update was
-- judged against, so racing writes for the last GPUs of a region still cannot both commit.

-- The quota (in GPUs) of the deployment's region that its last create or update was checked against; null when no
-- quota applied (a placement over several regions, or no pool of its type there). Read only by the trigger.
ALTER TABLE deployment ADD COLUMN quota_gpus BIGINT;

-- The region whose holdings a deployment counts in: its current region, or the one its placement names before it
-- has one. A multi-region placement not yet placed counts nowhere (no GPU quota names a multi-region), so it holds
-- no row: creates without a region touch no shared row at all.
CREATE FUNCTION deployment_holding_region(current_region VARCHAR, placement VARCHAR)
    RETURNS VARCHAR LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN coalesce(current_region, placement) IN ('GLOBAL', 'US', 'EUROPE', 'APAC') THEN NULL
                ELSE coalesce(current_region, placement) END
$$;

CREATE OR REPLACE FUNCTION deployment_gpu_holding() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    old_region VARCHAR;
    new_region VARCHAR;
    old_gpus   BIGINT := 0;
    new_gpus   BIGINT := 0;
    held       BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_region := deployment_holding_region(OLD.current_region, OLD.placement);
        IF old_region IS NOT NULL THEN
            old_gpus := deployment_gpus(OLD.state, OLD.desired_replica_count, OLD.replica_count,
                                        OLD.min_replica_count, OLD.accelerator_count);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_region := deployment_holding_region(NEW.current_region, NEW.placement);
        IF new_region IS NOT NULL THEN
            new_gpus := deployment_gpus(NEW.state, NEW.desired_replica_count, NEW.replica_count,
                                        NEW.min_replica_count, NEW.accelerator_count);
        END IF;
    END IF;
    -- Most updates (status, load, names) change nothing held: no write, no lock.
    IF TG_OP = 'UPDATE' AND old_gpus = new_gpus AND OLD.account_id = NEW.account_id
            AND OLD.accelerator_type = NEW.accelerator_type AND old_region IS NOT DISTINCT FROM new_region THEN
        RETURN NULL;
    END IF;
    IF old_gpus <> 0 THEN
        UPDATE gpu_holding SET gpus = gpus - old_gpus
         WHERE account_id = OLD.account_id AND accelerator_type = OLD.accelerator_type AND region = old_region;
    END IF;
    IF new_gpus <> 0 THEN
        INSERT INTO gpu_holding (account_id, accelerator_type, region, gpus)
        VALUES (NEW.account_id, NEW.accelerator_type, new_region, new_gpus)
        ON CONFLICT (account_id, accelerator_type, region) DO UPDATE SET gpus = gpu_holding.gpus + EXCLUDED.gpus
        RETURNING gpus INTO held;
        -- A create or update (a new generation) was judged against this quota before it wrote; the GPUs of the
        -- writes that committed since count now. Status reports (same generation) are never refused.
        IF NEW.quota_gpus IS NOT NULL AND held > NEW.quota_gpus
                AND (TG_OP = 'INSERT' OR NEW.generation <> OLD.generation) THEN
            RAISE EXCEPTION USING ERRCODE = 'EQ001', MESSAGE = format(
                'the deployment needs %s %s GPUs in %s but the account''s quota there is %s and the deployments '
                'written meanwhile leave room for %s; raise the quota or lower minReplicaCount or acceleratorCount',
                new_gpus, NEW.accelerator_type, new_region, NEW.quota_gpus,
                greatest(NEW.quota_gpus - (held - new_gpus), 0));
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER deployment_gpu_holding ON deployment;
CREATE CONSTRAINT TRIGGER deployment_gpu_holding AFTER INSERT OR UPDATE OR DELETE ON deployment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deployment_gpu_holding();

-- Multi-region holdings counted nowhere; they are no longer kept.
DELETE FROM gpu_holding WHERE region IN ('GLOBAL', 'US', 'EUROPE', 'APAC');
