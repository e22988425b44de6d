package dev.coxswain.core.connection;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.coxswain.core.Json;
import dev.coxswain.core.domain.Page;
import dev.coxswain.core.domain.TargetConnection;
import dev.coxswain.core.store.Sql;
import dev.coxswain.core.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Connections to analysed servers; the password column holds only {@link SecretBox} output. */
public final class ConnectionStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final String COLUMNS = "id, name, host, port, database, username, password_enc IS NOT NULL AS has_password,"
            + " sslmode, environment, tags, source, created_at, updated_at";

    /** The fields as stored; {@code sealedPassword} is encrypted (or null). */
    public record Row(String name, String host, int port, String database, String username, String sealedPassword,
                      String sslmode, String environment, List<String> tags, String source) {
        @Override
        public String toString() {
            return "Row[" + name + "]";
        }
    }

    public long insert(Tx tx, Row r, Instant now) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO connections (name, host, port, database,"
                + " username, password_enc, sslmode, environment, tags, source, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            bind(ps, r);
            ps.setLong(11, now.toEpochMilli());
            ps.setLong(12, now.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Replaces every field; {@code keepPassword} leaves the stored password as it is. */
    public boolean update(Tx tx, long id, Row r, boolean keepPassword, Instant now) throws SQLException {
        String sql = "UPDATE connections SET name = ?, host = ?, port = ?, database = ?, username = ?, "
                + (keepPassword ? "password_enc = password_enc" : "password_enc = ?")
                + ", sslmode = ?, environment = ?, tags = ?, source = ?, updated_at = ? WHERE id = ?";
        try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, r.name());
            ps.setString(i++, r.host());
            ps.setInt(i++, r.port());
            ps.setString(i++, r.database());
            ps.setString(i++, r.username());
            if (!keepPassword) ps.setString(i++, r.sealedPassword());
            ps.setString(i++, r.sslmode());
            ps.setString(i++, r.environment());
            ps.setString(i++, Json.write(r.tags()));
            ps.setString(i++, r.source());
            ps.setLong(i++, now.toEpochMilli());
            ps.setLong(i, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static void bind(PreparedStatement ps, Row r) throws SQLException {
        ps.setString(1, r.name());
        ps.setString(2, r.host());
        ps.setInt(3, r.port());
        ps.setString(4, r.database());
        ps.setString(5, r.username());
        ps.setString(6, r.sealedPassword());
        ps.setString(7, r.sslmode());
        ps.setString(8, r.environment());
        ps.setString(9, Json.write(r.tags()));
        ps.setString(10, r.source());
    }

    public boolean delete(Tx tx, long id) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM connections WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    public TargetConnection find(Connection c, long id) throws SQLException {
        List<TargetConnection> l = query(c, "SELECT " + COLUMNS + " FROM connections WHERE id = ?", id);
        return l.isEmpty() ? null : l.get(0);
    }

    public TargetConnection findByName(Connection c, String name) throws SQLException {
        List<TargetConnection> l = query(c, "SELECT " + COLUMNS + " FROM connections WHERE name = ?", name);
        return l.isEmpty() ? null : l.get(0);
    }

    public Page<TargetConnection> list(Connection c, int offset, int limit) throws SQLException {
        long total = Sql.count(c, "SELECT COUNT(*) FROM connections");
        return new Page<>(query(c, "SELECT " + COLUMNS + " FROM connections ORDER BY id LIMIT ? OFFSET ?", limit, offset), total);
    }

    /** The sealed password, for connecting only. */
    public String sealedPassword(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_enc FROM connections WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Names of schedules whose payload names this connection. */
    public List<String> usedBy(Connection c, long id) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, payload FROM schedules WHERE payload LIKE ?")) {
            ps.setString(1, "%\"connection_id\"%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    var p = Json.read(rs.getString(2));
                    if (p.path("connection_id").asLong(-1) == id) out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static List<TargetConnection> query(Connection c, String sql, Object... args) throws SQLException {
        List<TargetConnection> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> tags;
                    try {
                        tags = Json.MAPPER.readValue(rs.getString("tags"), STRINGS);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    out.add(new TargetConnection(rs.getLong("id"), rs.getString("name"), rs.getString("host"), rs.getInt("port"),
                            rs.getString("database"), rs.getString("username"), rs.getBoolean("has_password"),
                            rs.getString("sslmode"), rs.getString("environment"), List.copyOf(tags), rs.getString("source"),
                            Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at")));
                }
            }
        }
        return out;
    }
}
