package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Rows of {@code worker_tokens}: hashes of STS access and refresh tokens, and the sealed master token. */
public final class WorkerTokenStore {
    /** One issued pair as stored. */
    public record Row(String accessHash, String refreshHash, String workerId, String principalId, String masterSealed,
                      Instant accessExpires, Instant refreshExpires) {
    }

    public void insert(Tx tx, Row r, Instant now) throws SQLException {
        TaskStore.exec(tx.connection(), "INSERT INTO worker_tokens (access_hash, refresh_hash, worker_id, principal_id,"
                + " master_sealed, access_expires, refresh_expires, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                r.accessHash(), r.refreshHash(), r.workerId(), r.principalId(), r.masterSealed(),
                r.accessExpires().toEpochMilli(), r.refreshExpires().toEpochMilli(), now.toEpochMilli());
    }

    public Row byAccess(Connection c, String accessHash) throws SQLException {
        return one(c, "access_hash", accessHash);
    }

    public Row byRefresh(Connection c, String refreshHash) throws SQLException {
        return one(c, "refresh_hash", refreshHash);
    }

    /**
     * Marks a refresh token used (a refresh token works once). The old access token stays valid
     * until its own expiry: requests already in flight still carry it.
     *
     * @return whether this call used it (false: used already, by a concurrent refresh)
     */
    public boolean useRefresh(Tx tx, String refreshHash) throws SQLException {
        return TaskStore.exec(tx.connection(), "UPDATE worker_tokens SET refreshed = 1, refresh_expires = 0"
                + " WHERE refresh_hash = ? AND refreshed = 0", refreshHash) > 0;
    }

    /** Forgets pairs whose access and refresh tokens have both expired. */
    public int prune(Tx tx, Instant now) throws SQLException {
        return TaskStore.exec(tx.connection(), "DELETE FROM worker_tokens WHERE refresh_expires < ? AND access_expires < ?",
                now.toEpochMilli(), now.toEpochMilli());
    }

    private static Row one(Connection c, String col, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT access_hash, refresh_hash, worker_id, principal_id,"
                + " master_sealed, access_expires, refresh_expires FROM worker_tokens WHERE " + col + " = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
            }
        }
    }
}
