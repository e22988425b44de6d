-- One-off store maintenance that is done once per database, not at every start (e.g. sealing the
-- secrets an earlier version stored in clear, which scans every task).
CREATE TABLE store_markers (
    name    TEXT    PRIMARY KEY,
    done_at INTEGER NOT NULL
);
