-- Job webhooks (workflow jobs) share the subscription outbox: such a delivery has webhook_id 0
-- (no subscription has that id), the job's URL in target_url and the body the workflow engine
-- built in body. The deliverer signs it with the server-wide workflow webhook secret.
ALTER TABLE webhook_deliveries ADD COLUMN target_url TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN body TEXT;

-- Secrets the server generates for itself (the workflow webhook secret), stored sealed.
CREATE TABLE server_secrets (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Monthly job quotas of API keys (null: unlimited). quota_used counts the jobs created in
-- quota_period ('YYYY-MM', UTC); a charge in a later month starts the count again.
ALTER TABLE api_keys ADD COLUMN monthly_job_quota INTEGER CHECK (monthly_job_quota >= 0);
ALTER TABLE api_keys ADD COLUMN quota_period TEXT;
ALTER TABLE api_keys ADD COLUMN quota_used INTEGER NOT NULL DEFAULT 0;
