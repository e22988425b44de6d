package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Dashboard sessions ({@code ui_sessions}). Rows are found by the SHA-256 of the cookie's token,
 * never by the token itself. The SQL is the same on both databases.
 */
public final class SessionStore {
    /** @param scopes space-separated */
    public record Row(String idHash, String principalId, String name, String scopes, String tier, String csrf,
                      Instant createdAt, Instant seenAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "Session[" + principalId + ", until " + expiresAt + "]"; // never the hash or the CSRF token
        }
    }

    public void insert(Tx tx, Row r) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO ui_sessions (id_hash, principal_id, name,"
                + " scopes, tier, csrf, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.idHash());
            ps.setString(2, r.principalId());
            ps.setString(3, r.name());
            ps.setString(4, r.scopes());
            ps.setString(5, r.tier());
            ps.setString(6, r.csrf());
            ps.setLong(7, r.createdAt().toEpochMilli());
            ps.setLong(8, r.seenAt().toEpochMilli());
            ps.setLong(9, r.expiresAt().toEpochMilli());
            ps.executeUpdate();
        }
    }

    public Row find(Connection c, String idHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id_hash, principal_id, name, scopes, tier, csrf, created_at,"
                + " seen_at, expires_at FROM ui_sessions WHERE id_hash = ?")) {
            ps.setString(1, idHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)),
                        Instant.ofEpochMilli(rs.getLong(9)));
            }
        }
    }

    public void touch(Tx tx, String idHash, Instant seenAt) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE ui_sessions SET seen_at = ? WHERE id_hash = ?")) {
            ps.setLong(1, seenAt.toEpochMilli());
            ps.setString(2, idHash);
            ps.executeUpdate();
        }
    }

    public boolean delete(Tx tx, String idHash) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM ui_sessions WHERE id_hash = ?")) {
            ps.setString(1, idHash);
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes the sessions past their end or idle since before {@code idleBefore}; returns how many. */
    public int prune(Tx tx, Instant now, Instant idleBefore) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM ui_sessions WHERE expires_at <= ? OR seen_at < ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, idleBefore.toEpochMilli());
            return ps.executeUpdate();
        }
    }

    /** Ends every session of a principal (a revoked key's, for instance); returns how many. */
    public int deleteOf(Tx tx, String principalId) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM ui_sessions WHERE principal_id = ?")) {
            ps.setString(1, principalId);
            return ps.executeUpdate();
        }
    }
}
