-- Version 4.1: common's outbox migrations share each service's Flyway history with its db/migration (V2 to V4 so
-- far), so they take a free decimal version after the newest service migration.
-- The W3C trace context of the transaction that wrote the event, so the relay can publish it in the same trace
-- (docs/adr/0007-trace-context-through-the-outbox.md). Null when tracing is off or nothing was being traced.
ALTER TABLE outbox_event
    ADD COLUMN traceparent  VARCHAR(128),
    ADD COLUMN tracestate   VARCHAR(512);
