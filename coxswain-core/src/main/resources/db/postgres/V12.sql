-- Workflows (the orchestrator's client API). A blueprint is stored once per version, so a new
-- version never changes a job that runs an older one.
CREATE TABLE blueprints (
    name         TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    api_version  TEXT,
    api_endpoint TEXT,
    definition   TEXT    NOT NULL,
    created_by   TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE INDEX ix_blueprints_endpoint ON blueprints (api_version, api_endpoint);

-- One run of a blueprint. Each dispatched step is a task (origin_kind 'job', origin_id the job's
-- id); step_due is set in the very transaction that ends one of those tasks, so a crash between
-- the task's end and the job's next step loses nothing: the stepper finds the flag after restart.
CREATE TABLE jobs (
    id                TEXT    PRIMARY KEY,
    blueprint_name    TEXT    NOT NULL,
    blueprint_version INTEGER NOT NULL,
    owner             TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    current_state     TEXT,
    data              TEXT    NOT NULL,
    result            TEXT,
    error_message     TEXT,
    webhook_url       TEXT,
    dispatch_timeout  INTEGER,
    result_timeout    INTEGER,
    parent_job_id     TEXT,
    child_job_id      TEXT,
    task_ids          TEXT,
    transition_count  INTEGER NOT NULL DEFAULT 0,
    retry_count       INTEGER NOT NULL DEFAULT 0,
    step_due          INTEGER NOT NULL DEFAULT 0,
    dispatch_deadline BIGINT,
    result_deadline   BIGINT,
    metadata          TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    finished_at       BIGINT
);
CREATE INDEX ix_jobs_step_due ON jobs (updated_at) WHERE step_due = 1;
CREATE INDEX ix_jobs_dispatch_deadline ON jobs (dispatch_deadline) WHERE dispatch_deadline IS NOT NULL;
CREATE INDEX ix_jobs_result_deadline ON jobs (result_deadline) WHERE result_deadline IS NOT NULL;
CREATE INDEX ix_jobs_owner ON jobs (owner, created_at);
CREATE INDEX ix_jobs_status ON jobs (status, created_at);
CREATE INDEX ix_jobs_blueprint ON jobs (blueprint_name, created_at);
CREATE INDEX ix_jobs_parent ON jobs (parent_job_id) WHERE parent_job_id IS NOT NULL;

-- Every event of a job, in order (the protocol's history).
CREATE TABLE job_history (
    id             BIGSERIAL PRIMARY KEY,
    job_id         TEXT    NOT NULL,
    ts             BIGINT NOT NULL,
    event_type     TEXT    NOT NULL,
    state          TEXT,
    previous_state TEXT,
    next_state     TEXT,
    worker_id      TEXT,
    task_id        BIGINT,
    attempt        INTEGER,
    duration_ms    BIGINT,
    data           TEXT
);
CREATE INDEX ix_job_history_job ON job_history (job_id, id);

-- The status a remote worker's result carried when it was not plain success (a workflow's
-- custom transition), so the job's step can follow it.
ALTER TABLE tasks ADD COLUMN result_status TEXT;

-- Job webhooks (workflow jobs) share the subscription outbox: such a delivery has webhook_id 0
-- (no subscription has that id), the job's URL in target_url and the body the workflow engine
-- built in body. The deliverer signs it with the server-wide workflow webhook secret.
ALTER TABLE webhook_deliveries ADD COLUMN target_url TEXT;
ALTER TABLE webhook_deliveries ADD COLUMN body TEXT;

-- Secrets the server generates for itself (the workflow webhook secret), stored sealed.
CREATE TABLE server_secrets (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL
);

-- Monthly job quotas of API keys (null: unlimited). quota_used counts the jobs created in
-- quota_period ('YYYY-MM', UTC); a charge in a later month starts the count again.
ALTER TABLE api_keys ADD COLUMN monthly_job_quota INTEGER CHECK (monthly_job_quota >= 0);
ALTER TABLE api_keys ADD COLUMN quota_period TEXT;
ALTER TABLE api_keys ADD COLUMN quota_used INTEGER NOT NULL DEFAULT 0;
