-- Idempotency-Key records: the answer to a create, written in the transaction that created the
-- row, so a retried create is answered again instead of done twice. Keys are scoped to the
-- principal that sent them; rows older than the retention (24 h) are pruned.
CREATE TABLE idempotency_keys (
    principal   TEXT    NOT NULL,
    idem_key    TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (principal, idem_key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
