-- Rollups of the tasks table (issue 14, reads at scale), kept by TaskRollups in the same
-- transaction as the writes they count: how many tasks of each status, origin kind and priority
-- (task_counts), and how many finished in each minute, hour and day of completed_at, with how
-- many of those had started and their summed run time (task_finished). stripe is the number of
-- the writer thread that added to the row (writers never share rows), reads add stripes up.
-- origin_kind is '' for tasks without one. Both are filled here from the tasks already stored.
CREATE TABLE task_counts (
    status      TEXT    NOT NULL,
    origin_kind TEXT    NOT NULL,
    priority    INTEGER NOT NULL,
    stripe      INTEGER NOT NULL,
    n           BIGINT  NOT NULL,
    PRIMARY KEY (status, origin_kind, priority, stripe)
);
CREATE TABLE task_finished (
    grain  BIGINT  NOT NULL,
    start  BIGINT  NOT NULL,
    status TEXT    NOT NULL,
    stripe INTEGER NOT NULL,
    n      BIGINT  NOT NULL,
    timed  BIGINT  NOT NULL,
    run_ms BIGINT  NOT NULL,
    PRIMARY KEY (grain, start, status, stripe)
);
INSERT INTO task_counts (status, origin_kind, priority, stripe, n)
    SELECT status, COALESCE(origin_kind, ''), priority, 0, COUNT(*) FROM tasks
    GROUP BY status, COALESCE(origin_kind, ''), priority;
INSERT INTO task_finished (grain, start, status, stripe, n, timed, run_ms)
    SELECT 86400000, completed_at - ((completed_at % 86400000) + 86400000) % 86400000, status, 0, COUNT(*), COUNT(started_at),
           COALESCE(SUM(completed_at - started_at), 0) FROM tasks
    WHERE completed_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled')
    GROUP BY completed_at - ((completed_at % 86400000) + 86400000) % 86400000, status;
INSERT INTO task_finished (grain, start, status, stripe, n, timed, run_ms)
    SELECT 3600000, completed_at - ((completed_at % 3600000) + 3600000) % 3600000, status, 0, COUNT(*), COUNT(started_at),
           COALESCE(SUM(completed_at - started_at), 0) FROM tasks
    WHERE completed_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled')
    GROUP BY completed_at - ((completed_at % 3600000) + 3600000) % 3600000, status;
INSERT INTO task_finished (grain, start, status, stripe, n, timed, run_ms)
    SELECT 60000, completed_at - ((completed_at % 60000) + 60000) % 60000, status, 0, COUNT(*), COUNT(started_at),
           COALESCE(SUM(completed_at - started_at), 0) FROM tasks
    WHERE completed_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled')
    GROUP BY completed_at - ((completed_at % 60000) + 60000) % 60000, status;
-- The task list sorted by priority (GET /api/tasks?sort=priority) walks this index in either
-- direction, id breaking ties, instead of sorting every task.
CREATE INDEX ix_tasks_priority ON tasks (priority, id);
