-- Times are epoch milliseconds (INTEGER) in both dialects, so the shared SQL needs no casts.
CREATE TABLE tasks (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    type               TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    description        TEXT,
    payload            TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    priority           INTEGER NOT NULL,
    run_at             INTEGER NOT NULL,
    scheduled_at       INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    started_at         INTEGER,
    completed_at       INTEGER,
    retry_count        INTEGER NOT NULL DEFAULT 0,
    max_retries        INTEGER NOT NULL,
    backoff            TEXT    NOT NULL,
    attempt            INTEGER NOT NULL DEFAULT 0,
    timeout_seconds    INTEGER NOT NULL,
    tags               TEXT    NOT NULL DEFAULT '[]',
    deps_pending       INTEGER NOT NULL DEFAULT 0,
    worker_id          TEXT,
    lease_until        INTEGER,
    result             TEXT,
    error              TEXT,
    exit_code          INTEGER,
    checkpoint_enabled INTEGER NOT NULL DEFAULT 0,
    checkpoint_data    TEXT,
    log_count          INTEGER NOT NULL DEFAULT 0,
    origin_kind        TEXT,
    origin_id          TEXT
);
CREATE INDEX ix_tasks_queue ON tasks (priority DESC, id) WHERE status = 'queued';
CREATE INDEX ix_tasks_due ON tasks (run_at) WHERE status = 'pending' AND deps_pending = 0;
CREATE INDEX ix_tasks_lease ON tasks (lease_until) WHERE status = 'running';
CREATE INDEX ix_tasks_worker ON tasks (worker_id, status);
CREATE INDEX ix_tasks_status_created ON tasks (status, created_at);
CREATE INDEX ix_tasks_created ON tasks (created_at);
CREATE INDEX ix_tasks_completed ON tasks (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE task_deps (
    task_id    INTEGER NOT NULL,
    depends_on INTEGER NOT NULL,
    PRIMARY KEY (task_id, depends_on)
);
CREATE INDEX ix_task_deps_on ON task_deps (depends_on);

CREATE TABLE task_tags (
    tag     TEXT    NOT NULL,
    task_id INTEGER NOT NULL,
    PRIMARY KEY (tag, task_id)
);
CREATE INDEX ix_task_tags_task ON task_tags (task_id);

CREATE TABLE task_logs (
    id      INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL,
    ts      INTEGER NOT NULL,
    level   TEXT    NOT NULL,
    message TEXT    NOT NULL
);
CREATE INDEX ix_task_logs_task ON task_logs (task_id, id);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY,
    ts        INTEGER NOT NULL,
    type      TEXT    NOT NULL,
    task_id   INTEGER,
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
    tasks_completed  INTEGER NOT NULL DEFAULT 0,
    tasks_failed     INTEGER NOT NULL DEFAULT 0,
    resources        TEXT,
    registered_at    INTEGER NOT NULL,
    last_heartbeat   INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    tier         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
