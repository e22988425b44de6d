-- Placeholder so that V10 (faces branch: idempotency keys) is reached; the lead renumbers at merge.
SELECT 1;
