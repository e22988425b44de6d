-- Placeholder on branch h/cluster only: V7 belongs to another branch, and the migrator stops at
-- the first missing number. Replaced by that branch's V7.sql at merge.
SELECT 1
