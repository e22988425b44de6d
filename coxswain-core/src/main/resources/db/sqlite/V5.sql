-- Issue 5: PostgreSQL servers users point Coxswain at. The password is encrypted at rest
-- (AES-256-GCM, key from configuration or the data directory) and never returned.
CREATE TABLE connections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    host         TEXT    NOT NULL,
    port         INTEGER NOT NULL,
    database     TEXT    NOT NULL,
    username     TEXT    NOT NULL,
    password_enc TEXT,
    sslmode      TEXT    NOT NULL,
    environment  TEXT,
    tags         TEXT    NOT NULL DEFAULT '[]',
    source       TEXT    NOT NULL DEFAULT 'api',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
