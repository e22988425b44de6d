package dev.coxswain.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Secrets the server generates for itself ({@code server_secrets}: name → value), stored sealed
 * by the {@link Sealer} so a dump of the database holds none of them in clear.
 */
public final class ServerSecretStore {
    private final Sealer sealer;

    public ServerSecretStore(Sealer sealer) {
        this.sealer = sealer;
    }

    /** A stored secret in clear; never printed. */
    public record Stored(String value, Instant updatedAt) {
        @Override
        public String toString() {
            return "Stored[updatedAt=" + updatedAt + "]";
        }
    }

    /**
     * @return the secret in clear, or null when none is stored
     * @throws IllegalStateException when it was sealed with another key
     */
    public Stored find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value, updated_at FROM server_secrets WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                String v = rs.getString(1);
                // A value written by an engine without a key is in clear; it still signs.
                return new Stored(sealer.isSealed(v) ? sealer.open(v) : v, Instant.ofEpochMilli(rs.getLong(2)));
            }
        }
    }

    /**
     * Stores the secret unless one of that name exists (two nodes generating at their first start
     * at once: the first insert wins and both then read it). @return whether this one was stored
     */
    public boolean insertIfAbsent(Tx tx, String name, String value, Instant now) throws SQLException {
        return TaskStore.exec(tx.connection(), "INSERT INTO server_secrets (name, value, updated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO NOTHING", name, sealer.seal(value), now.toEpochMilli()) > 0;
    }

    /** Stores the secret, replacing any earlier one. */
    public void put(Tx tx, String name, String value, Instant now) throws SQLException {
        TaskStore.exec(tx.connection(), "INSERT INTO server_secrets (name, value, updated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                name, sealer.seal(value), now.toEpochMilli());
    }
}
