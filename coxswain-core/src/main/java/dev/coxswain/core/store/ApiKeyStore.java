package dev.coxswain.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.ApiKey;
import dev.coxswain.core.domain.Tier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** API keys, stored as SHA-256 hashes of the secret; the secret itself is never stored. */
public final class ApiKeyStore {
    private static final TypeReference<Set<String>> STRINGS = new TypeReference<>() { };

    public long insert(Tx tx, String name, String keyHash, String prefix, Set<String> scopes, Tier tier, String workerId,
                       Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO api_keys (name, key_hash, prefix,"
                + " scopes, tier, worker_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, name);
            ps.setString(2, keyHash);
            ps.setString(3, prefix);
            ps.setString(4, Json.write(new java.util.TreeSet<>(scopes)));
            ps.setString(5, tier.wire());
            ps.setString(6, workerId);
            ps.setLong(7, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public ApiKey findByHash(Connection c, String keyHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys WHERE key_hash = ?")) {
            ps.setString(1, keyHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? map(rs) : null;
            }
        }
    }

    public ApiKey find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? map(rs) : null;
            }
        }
    }

    /** Whether a usable individual token exists for this worker id (then the shared token may not act as it). */
    public boolean hasWorkerToken(Connection c, String workerId) throws SQLException {
        return Sql.count(c, "SELECT COUNT(*) FROM api_keys WHERE worker_id = ? AND revoked_at IS NULL AND enabled = 1",
                workerId) > 0;
    }

    public List<ApiKey> list(Connection c) throws SQLException {
        List<ApiKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM api_keys ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(map(rs));
        }
        return out;
    }

    public long countActive(Connection c) throws SQLException {
        return Sql.count(c, "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL AND enabled = 1");
    }

    /**
     * The usable keys (enabled, not revoked), locked until the transaction ends, so two admins
     * disabling each other's keys at once take turns and the second sees the first's change.
     */
    public List<ApiKey> lockUsable(Tx tx, SqlDialect dialect) throws SQLException {
        List<ApiKey> out = new ArrayList<>();
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT * FROM api_keys WHERE revoked_at IS NULL"
                + " AND enabled = 1 ORDER BY id" + dialect.forUpdate());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(map(rs));
        }
        return out;
    }

    /**
     * Makes the key usable with these scopes and tier again: enabled, and no longer revoked (for
     * the configured admin key, which the operator's configuration always honours).
     */
    public void restore(Tx tx, long id, Set<String> scopes, Tier tier) throws SQLException {
        TaskStore.exec(tx.connection(), "UPDATE api_keys SET enabled = 1, revoked_at = NULL, scopes = ?, tier = ? WHERE id = ?",
                Json.write(new java.util.TreeSet<>(scopes)), tier.wire(), id);
    }

    public boolean revoke(Tx tx, long id, Instant now) throws SQLException {
        return TaskStore.exec(tx.connection(), "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                now.toEpochMilli(), id) > 0;
    }

    /** Changes name, scopes, tier and enabled of a key that is not revoked; false when there is none. */
    public boolean update(Tx tx, long id, String name, Set<String> scopes, Tier tier, boolean enabled) throws SQLException {
        return TaskStore.exec(tx.connection(), "UPDATE api_keys SET name = ?, scopes = ?, tier = ?, enabled = ?"
                + " WHERE id = ? AND revoked_at IS NULL", name, Json.write(new java.util.TreeSet<>(scopes)), tier.wire(),
                enabled ? 1 : 0, id) > 0;
    }

    /** Sets the key's monthly job quota (null: unlimited); the count of this month stays. */
    public boolean setQuota(Tx tx, long id, Integer monthlyJobQuota) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("UPDATE api_keys SET monthly_job_quota = ? WHERE id = ?")) {
            Sql.setInt(ps, 1, monthlyJobQuota);
            ps.setLong(2, id);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Counts one job for the key in {@code period} ({@code YYYY-MM}) if its quota allows one more:
     * a single guarded UPDATE, so concurrent charges (on PostgreSQL the guard is re-checked on the
     * row each one finally updates) never take more than the quota. A count of an earlier month
     * counts as zero and is replaced.
     *
     * @return false when the key does not exist or its quota for the period is used up
     */
    public boolean charge(Tx tx, long id, String period) throws SQLException {
        return TaskStore.exec(tx.connection(), "UPDATE api_keys SET"
                + " quota_used = CASE WHEN quota_period = ? THEN quota_used + 1 ELSE 1 END, quota_period = ?"
                + " WHERE id = ? AND (monthly_job_quota IS NULL"
                + " OR monthly_job_quota > CASE WHEN quota_period = ? THEN quota_used ELSE 0 END)",
                period, period, id, period) > 0;
    }

    public void touch(Tx tx, long id, Instant now) throws SQLException {
        TaskStore.exec(tx.connection(), "UPDATE api_keys SET last_used_at = ? WHERE id = ?", now.toEpochMilli(), id);
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        Set<String> scopes;
        try {
            scopes = Json.MAPPER.readValue(rs.getString("scopes"), STRINGS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Tier tier = Tier.fromWire(rs.getString("tier"));
        return new ApiKey(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"), scopes,
                tier == null ? Tier.STARTER : tier, rs.getInt("enabled") != 0, rs.getString("worker_id"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "last_used_at"), Sql.instant(rs, "revoked_at"),
                Sql.integer(rs, "monthly_job_quota"), rs.getString("quota_period"), rs.getInt("quota_used"));
    }
}
