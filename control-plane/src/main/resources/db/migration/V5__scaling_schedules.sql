-- Named cron windows that raise the minimum replicas, as a JSON object by name.
ALTER TABLE deployment
    ADD COLUMN scaling_schedules TEXT NOT NULL DEFAULT '{}';
