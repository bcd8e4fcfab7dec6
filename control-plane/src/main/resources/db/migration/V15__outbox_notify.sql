-- Wakes the outbox relay when a transaction that wrote events commits: NOTIFY is delivered on commit (never for a
-- rolled-back transaction), once per transaction and channel however many rows it wrote. The channel is
-- <schema>_outbox, what ember.outbox.notify-channel names (control_plane_outbox).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_event_notify AFTER INSERT ON outbox_event FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
