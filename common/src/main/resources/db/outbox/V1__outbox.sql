-- The transactional outbox: written with each state change, drained to Kafka by OutboxRelay.
CREATE TABLE outbox_event (
    id          BIGSERIAL PRIMARY KEY,
    event_id    VARCHAR(64)  NOT NULL,
    topic       VARCHAR(255) NOT NULL,
    event_key   VARCHAR(512) NOT NULL,
    type        VARCHAR(255) NOT NULL,
    source      VARCHAR(255) NOT NULL,
    event_time  TIMESTAMPTZ  NOT NULL,
    payload     TEXT         NOT NULL
);
