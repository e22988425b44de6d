-- Times are epoch milliseconds (BIGINT) in both dialects, so the shared SQL needs no casts.
-- fillfactor leaves room for HOT updates: a task row is rewritten on every state change.
CREATE TABLE tasks (
    id                 BIGSERIAL PRIMARY KEY,
    type               TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    description        TEXT,
    payload            TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    priority           INTEGER NOT NULL,
    run_at BIGINT NOT NULL,
    scheduled_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    completed_at BIGINT,
    retry_count        INTEGER NOT NULL DEFAULT 0,
    max_retries        INTEGER NOT NULL,
    backoff            TEXT    NOT NULL,
    attempt            INTEGER NOT NULL DEFAULT 0,
    timeout_seconds    INTEGER NOT NULL,
    tags               TEXT    NOT NULL DEFAULT '[]',
    deps_pending       INTEGER NOT NULL DEFAULT 0,
    worker_id          TEXT,
    lease_until BIGINT,
    result             TEXT,
    error              TEXT,
    exit_code          INTEGER,
    checkpoint_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    checkpoint_data    TEXT,
    log_count          INTEGER NOT NULL DEFAULT 0,
    origin_kind        TEXT,
    origin_id          TEXT
) WITH (fillfactor = 80);
CREATE INDEX ix_tasks_queue ON tasks (priority DESC, id) WHERE status = 'queued';
CREATE INDEX ix_tasks_due ON tasks (run_at) WHERE status = 'pending' AND deps_pending = 0;
CREATE INDEX ix_tasks_lease ON tasks (lease_until) WHERE status = 'running';
CREATE INDEX ix_tasks_worker ON tasks (worker_id, status);
CREATE INDEX ix_tasks_status_created ON tasks (status, created_at);
CREATE INDEX ix_tasks_created ON tasks (created_at);
CREATE INDEX ix_tasks_completed ON tasks (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE task_deps (
    task_id    BIGINT NOT NULL,
    depends_on BIGINT NOT NULL,
    PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX ix_task_deps_on ON task_deps (depends_on);

CREATE TABLE task_tags (
    tag     TEXT    NOT NULL,
    task_id BIGINT NOT NULL,
    PRIMARY KEY (tag, task_id)
);
CREATE INDEX ix_task_tags_task ON task_tags (task_id);

CREATE TABLE task_logs (
    id      BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    level   TEXT    NOT NULL,
    message TEXT    NOT NULL
);
CREATE INDEX ix_task_logs_task ON task_logs (task_id, id);

CREATE TABLE events (
    id        BIGSERIAL PRIMARY KEY,
    ts BIGINT NOT NULL,
    type      TEXT    NOT NULL,
    task_id   BIGINT,
    worker_id TEXT,
    data      TEXT
);
CREATE INDEX ix_events_ts ON events (ts);

CREATE TABLE workers (
    id               TEXT PRIMARY KEY,
    hostname         TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    capacity         INTEGER NOT NULL,
    version          TEXT    NOT NULL,
    tags             TEXT    NOT NULL DEFAULT '[]',
    tasks_completed  BIGINT NOT NULL DEFAULT 0,
    tasks_failed     BIGINT NOT NULL DEFAULT 0,
    resources        TEXT,
    registered_at BIGINT NOT NULL,
    last_heartbeat BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    tier         TEXT    NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
