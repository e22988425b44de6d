package dev.coxswain.core.workflow;

import dev.coxswain.core.store.Sql;
import dev.coxswain.core.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code blueprints} table: every version of every blueprint, as its normalized JSON definition. */
final class BlueprintStore {

    /** A stored version before its definition is parsed. */
    record Row(String name, int version, String apiVersion, String apiEndpoint, String definition, String createdBy,
               Instant createdAt) {
    }

    void insert(Tx tx, Row r) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("INSERT INTO blueprints (name, version, api_version,"
                + " api_endpoint, definition, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.name());
            ps.setInt(2, r.version());
            ps.setString(3, r.apiVersion());
            ps.setString(4, r.apiEndpoint());
            ps.setString(5, r.definition());
            ps.setString(6, r.createdBy());
            ps.setLong(7, r.createdAt().toEpochMilli());
            ps.executeUpdate();
        }
    }

    int latestVersion(Connection c, String name) throws SQLException {
        return (int) Sql.count(c, "SELECT COALESCE(MAX(version), 0) FROM blueprints WHERE name = ?", name);
    }

    Row find(Connection c, String name, int version) throws SQLException {
        List<Row> rows = rows(c, "SELECT * FROM blueprints WHERE name = ? AND version = ?", name, version);
        return rows.isEmpty() ? null : rows.get(0);
    }

    Row latest(Connection c, String name) throws SQLException {
        List<Row> rows = rows(c, "SELECT * FROM blueprints WHERE name = ? ORDER BY version DESC LIMIT 1", name);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The newest version of every blueprint, by name. */
    List<Row> latestOfEach(Connection c) throws SQLException {
        return rows(c, "SELECT b.* FROM blueprints b WHERE b.version = (SELECT MAX(v.version) FROM blueprints v"
                + " WHERE v.name = b.name) ORDER BY b.name");
    }

    List<Row> versions(Connection c, String name) throws SQLException {
        return rows(c, "SELECT * FROM blueprints WHERE name = ? ORDER BY version", name);
    }

    private static List<Row> rows(Connection c, String sql, Object... args) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Integer n) ps.setInt(i + 1, n);
                else ps.setString(i + 1, (String) args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString("name"), rs.getInt("version"), rs.getString("api_version"),
                            rs.getString("api_endpoint"), rs.getString("definition"), rs.getString("created_by"),
                            Sql.instant(rs, "created_at")));
                }
            }
        }
        return out;
    }
}
