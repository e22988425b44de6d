-- Issue 3: keys can be disabled without being revoked, and a key can be bound to one worker id
-- (an individual worker token: X-Worker-Token for that worker only).
ALTER TABLE api_keys ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE api_keys ADD COLUMN worker_id TEXT;
