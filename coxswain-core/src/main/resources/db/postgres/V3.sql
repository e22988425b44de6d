-- Issue 3: webhook subscriptions and their persisted delivery outbox. A delivery row is written in
-- the same transaction as the event it reports, with a snapshot of the task as it was then.
CREATE TABLE webhooks (
    id          BIGSERIAL PRIMARY KEY,
    url         TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    description TEXT,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE webhook_events (
    webhook_id BIGINT NOT NULL,
    event      TEXT    NOT NULL,
    PRIMARY KEY (webhook_id, event)
);
CREATE INDEX ix_webhook_events_event ON webhook_events (event);

CREATE TABLE webhook_deliveries (
    id                BIGSERIAL PRIMARY KEY,
    webhook_id        BIGINT  NOT NULL,
    event             TEXT    NOT NULL,
    event_ts          BIGINT  NOT NULL,
    task_id           BIGINT ,
    worker_id         TEXT,
    event_data        TEXT,
    task_name         TEXT,
    task_result       TEXT,
    task_started_at   BIGINT ,
    task_completed_at BIGINT ,
    status            TEXT    NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT  NOT NULL,
    locked_until      BIGINT ,
    created_at        BIGINT  NOT NULL,
    last_attempt_at   BIGINT ,
    response_status   INTEGER,
    last_error        TEXT,
    delivered_at      BIGINT 
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
