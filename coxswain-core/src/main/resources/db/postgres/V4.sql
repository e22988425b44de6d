-- Issue 4: recurring schedules. Each run is a task (origin_kind 'schedule', origin_id the
-- schedule id, slot_at the slot it fired for); next_run_at advances by compare-and-set in the
-- transaction that creates the run, and the unique index makes a slot fire at most once even if
-- that guard were ever bypassed.
CREATE TABLE schedules (
    id              BIGSERIAL PRIMARY KEY,
    face            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    description     TEXT,
    expression      TEXT    NOT NULL,
    timezone        TEXT    NOT NULL,
    task_type       TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    priority        INTEGER NOT NULL,
    tags            TEXT    NOT NULL DEFAULT '[]',
    max_retries     INTEGER NOT NULL,
    backoff         TEXT    NOT NULL,
    timeout_seconds INTEGER NOT NULL,
    misfire         TEXT    NOT NULL,
    overlap         TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    next_run_at     BIGINT,
    last_slot_at    BIGINT,
    last_task_id    BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_schedules_face_name ON schedules (face, name);
CREATE INDEX ix_schedules_due ON schedules (next_run_at) WHERE status = 'active';

ALTER TABLE tasks ADD COLUMN slot_at BIGINT;
ALTER TABLE tasks ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX ux_tasks_schedule_slot ON tasks (origin_id, slot_at) WHERE origin_kind = 'schedule' AND slot_at IS NOT NULL;
CREATE INDEX ix_tasks_origin ON tasks (origin_kind, origin_id, id);
