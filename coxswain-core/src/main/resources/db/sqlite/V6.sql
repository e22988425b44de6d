-- The process group each running shell attempt leads on its node, written before the command
-- runs and removed with the attempt's completion. A node that starts again after being killed
-- stops the groups its previous life left (matched by pid, start time and boot, so a recycled
-- pid is never signalled) before it claims anything.
CREATE TABLE attempt_processes (
    task_id     INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    worker_id   TEXT    NOT NULL,
    hostname    TEXT    NOT NULL,
    boot_id     TEXT    NOT NULL,
    pid         INTEGER NOT NULL,
    start_ticks INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    PRIMARY KEY (task_id, attempt)
);
CREATE INDEX attempt_processes_worker ON attempt_processes (worker_id);
