-- The status of a queue's rows swings faster than ANALYZE samples it: a snapshot taken with no
-- running tasks made "status = 'running'" look like it matched nothing, and the planner then
-- preferred the status index to the primary key for the by-id guards on the hottest path
-- (completing an attempt), walking every running row and its dead versions per completion.
-- Without statistics for these columns the planner uses its default selectivity, and a lookup
-- by primary key wins again. The partial indexes serve the queue queries by their predicates,
-- whatever the statistics say.
ALTER TABLE tasks ALTER COLUMN status SET STATISTICS 0;
ALTER TABLE tasks ALTER COLUMN worker_id SET STATISTICS 0;
