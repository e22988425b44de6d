-- Placeholder so that V9 (faces branch: idempotency keys) is reached; the lead renumbers at merge.
SELECT 1;
