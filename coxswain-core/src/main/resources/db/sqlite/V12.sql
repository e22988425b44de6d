-- The dashboard (issue 13). Browser sessions: the cookie carries a random token, the row only its
-- SHA-256 (a copy of this table signs nobody in). The principal is copied at sign-in; a key's
-- sessions are checked against the key on every request, so revoking or disabling it ends them.
-- csrf: the session's anti-forgery token, sent back by every form and htmx request.
CREATE TABLE ui_sessions (
    id_hash      TEXT    PRIMARY KEY,
    principal_id TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    scopes       TEXT    NOT NULL,
    tier         TEXT    NOT NULL,
    csrf         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    seen_at      INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX ix_ui_sessions_expires ON ui_sessions (expires_at);
CREATE INDEX ix_ui_sessions_principal ON ui_sessions (principal_id);
-- The dashboard's task list filtered by type or by worker, newest first (status and tag filters
-- have their indexes already: ix_tasks_status_created, task_tags).
CREATE INDEX ix_tasks_type_created ON tasks (type, created_at);
CREATE INDEX ix_tasks_worker_created ON tasks (worker_id, created_at) WHERE worker_id IS NOT NULL;
-- Throughput and failure charts read (completed_at, status) from the index alone; it replaces
-- ix_tasks_completed, whose one column it starts with.
CREATE INDEX ix_tasks_finished ON tasks (completed_at, status) WHERE completed_at IS NOT NULL;
DROP INDEX ix_tasks_completed;
-- A task's attempts on its dashboard page are rebuilt from its events: one index range per task
-- instead of a walk of every event since the task was created.
CREATE INDEX ix_events_task ON events (task_id, id) WHERE task_id IS NOT NULL;
