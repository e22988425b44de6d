-- Remote workers (the /_worker protocol). A worker row now carries when it counts as offline
-- (local and remote workers have different TTLs), the skills it advertised (the SDK's SkillInfo
-- objects) and what else it reported (type, resources, devices, software, capabilities, usage).
ALTER TABLE workers ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE workers SET expires_at = last_heartbeat + 15000;
ALTER TABLE workers ADD COLUMN skills TEXT;
ALTER TABLE workers ADD COLUMN skills_hash TEXT;
ALTER TABLE workers ADD COLUMN info TEXT;

-- What a remote worker reported about a task: its error code, and its progress.
ALTER TABLE tasks ADD COLUMN error_code TEXT;
ALTER TABLE tasks ADD COLUMN progress REAL;
ALTER TABLE tasks ADD COLUMN progress_message TEXT;
-- 1 when the payload's requirements restrict which worker may run the task: the plain claim
-- leaves such tasks alone, and a matching worker finds them through their own index.
ALTER TABLE tasks ADD COLUMN routed INTEGER;
CREATE INDEX ix_tasks_routed_queue ON tasks (priority DESC, id) WHERE status = 'queued' AND routed = 1;

-- Short-lived worker access tokens (the protocol's STS exchange). Only hashes of the tokens are
-- kept, and the master token the worker signs with is kept sealed, to verify signatures of requests
-- that carry an access token.
CREATE TABLE worker_tokens (
    access_hash     TEXT    PRIMARY KEY,
    refresh_hash    TEXT    NOT NULL UNIQUE,
    worker_id       TEXT    NOT NULL,
    principal_id    TEXT    NOT NULL,
    master_sealed   TEXT    NOT NULL,
    access_expires  INTEGER NOT NULL,
    refresh_expires INTEGER NOT NULL,
    refreshed       INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX ix_worker_tokens_expiry ON worker_tokens (refresh_expires);
