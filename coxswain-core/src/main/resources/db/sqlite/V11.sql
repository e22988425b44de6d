-- Devices (issue 12): phones, boards, rigs attached to remote workers. A worker reports them in
-- resources.devices when it registers and (Coxswain extension) in heartbeats; the row belongs to
-- the worker that reported the serial last. present = 0 once the device vanished from its worker's
-- report: its queue then waits. busy_task/busy_attempt: the attempt the device is occupied with,
-- from its claim until the worker has let go of it (its result, a heartbeat that no longer lists
-- it, the worker going offline), which may be later than the task's end: a stopped script still
-- runs until the worker hears of the stop, and the next one must not start beside it.
CREATE TABLE devices (
    serial        TEXT    PRIMARY KEY,
    worker_id     TEXT    NOT NULL,
    type          TEXT,
    model         TEXT,
    properties    TEXT,
    present       INTEGER NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    busy_task     INTEGER,
    busy_attempt  INTEGER,
    busy_since    INTEGER
);
CREATE INDEX ix_devices_worker ON devices (worker_id);
CREATE INDEX ix_devices_busy ON devices (busy_task) WHERE busy_task IS NOT NULL;

-- A device task (payload requirements.device) keeps its serial in device and has routed = 2: the
-- plain and routed claims leave it alone, and only the worker owning the serial takes it, through
-- the device queue below, one at a time per device. The unique index is the guarantee of the
-- latter: two running tasks of one device cannot both be written.
ALTER TABLE tasks ADD COLUMN device TEXT;
-- Who created it (a principal id) and how many of that owner's device tasks may run at once
-- (its plan's concurrency when it was created; null = no limit).
ALTER TABLE tasks ADD COLUMN owner TEXT;
ALTER TABLE tasks ADD COLUMN owner_limit INTEGER;
CREATE INDEX ix_tasks_device_queue ON tasks (device, priority DESC, id) WHERE status = 'queued' AND routed = 2;
CREATE UNIQUE INDEX ux_tasks_device_running ON tasks (device) WHERE status = 'running' AND routed = 2;
CREATE INDEX ix_tasks_owner_running ON tasks (owner) WHERE status = 'running' AND routed = 2;
CREATE INDEX ix_tasks_owner_open ON tasks (owner, device) WHERE routed = 2 AND status IN ('pending', 'queued', 'running');
CREATE INDEX ix_tasks_device ON tasks (device, id) WHERE device IS NOT NULL;
-- The device API's lists, newest first, without a serial or source filter.
CREATE INDEX ix_tasks_device_face ON tasks (id) WHERE origin_kind = 'device';
