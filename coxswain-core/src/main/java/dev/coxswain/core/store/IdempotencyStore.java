package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Idempotency-Key records: per principal and key, the request's fingerprint and the answer that
 * was sent. The SQL is the same on both databases ({@code ON CONFLICT DO NOTHING} exists in both):
 * a concurrent insert of the same key waits for the first one's transaction and then inserts
 * nothing, without aborting the transaction as a unique violation would on PostgreSQL.
 */
public final class IdempotencyStore {
    /** @param createdAt when the answer was recorded */
    public record Row(String fingerprint, int status, String body, Instant createdAt) {
    }

    /** The record of this key written at or after {@code since}, or null. */
    public Row find(Connection c, String principal, String key, Instant since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, status, body, created_at FROM idempotency_keys"
                + " WHERE principal = ? AND idem_key = ? AND created_at >= ?")) {
            ps.setString(1, principal);
            ps.setString(2, key);
            ps.setLong(3, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getString(1), rs.getInt(2), rs.getString(3), Sql.instant(rs, "created_at")) : null;
            }
        }
    }

    /**
     * Records the answer unless the key already has a record (an expired one is replaced).
     *
     * @return false when another request holds the key
     */
    public boolean insert(Tx tx, String principal, String key, Row row, Instant expiredBefore) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND created_at < ?")) {
            ps.setString(1, principal);
            ps.setString(2, key);
            ps.setLong(3, expiredBefore.toEpochMilli());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO idempotency_keys (principal, idem_key,"
                + " fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, principal);
            ps.setString(2, key);
            ps.setString(3, row.fingerprint());
            ps.setInt(4, row.status());
            ps.setString(5, row.body());
            ps.setLong(6, row.createdAt().toEpochMilli());
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes the records written before {@code before}; returns how many. */
    public int prune(Tx tx, Instant before) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?")) {
            ps.setLong(1, before.toEpochMilli());
            return ps.executeUpdate();
        }
    }
}
