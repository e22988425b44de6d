-- The hot path (issue 14): a task's common lifecycle records are derived from its own row instead
-- of being stored as rows of their own (see store/Lifecycle). lifecycle is a set of bits naming
-- what is derived: 1 the creation line (and event), 2 the first attempt's start line (and event),
-- 4 the completion line (and event). Tasks created before this migration keep their stored
-- records (0). created_status: the status the task was created in (the creation line says it).
-- first_started_at, first_worker: the first attempt's start, kept when later attempts overwrite
-- started_at and worker_id. run_ms: the completed attempt's run time (the completion line says it).
ALTER TABLE tasks ADD COLUMN lifecycle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN created_status TEXT;
ALTER TABLE tasks ADD COLUMN first_started_at INTEGER;
ALTER TABLE tasks ADD COLUMN first_worker TEXT;
ALTER TABLE tasks ADD COLUMN run_ms INTEGER;
