package dev.coxswain.core.pganalysis.stats;

import dev.coxswain.core.pganalysis.Lang;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coxswain.core.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether pg_stat_statements can be read here, and its top statements. "Available" needs two
 * things that fail separately: the extension created in this database (the view) and the library
 * preloaded by the server (the shared memory behind it); reading the view without the latter
 * raises "pg_stat_statements must be loaded via shared_preload_libraries".
 */
final class StatementStats {
    static final int MAX_QUERY_CHARS = 2000;

    /** @param status available | extension_not_installed | not_loaded | error */
    record Probe(String status, String schema, String reason) {
        boolean available() {
            return status.equals("available");
        }
    }

    private StatementStats() {
    }

    static Probe probe(Connection c) throws SQLException {
        String schema = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'pg_stat_statements'""")) {
            if (rs.next()) schema = rs.getString(1);
        }
        if (schema == null) return new Probe("extension_not_installed", null, "extension pg_stat_statements is not created in this database");
        String view = quote(schema) + ".pg_stat_statements";
        try {
            Sql.guarded(c, () -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM " + view + " LIMIT 1")) {
                    return rs.next();
                }
            });
            return new Probe("available", schema, null);
        } catch (SQLException e) {
            String msg = Sql.describe(e);
            boolean notLoaded = "55000".equals(e.getSQLState()) || msg.contains("shared_preload_libraries");
            return new Probe(notLoaded ? "not_loaded" : "error", schema, msg);
        }
    }

    /** The steps to turn pg_stat_statements on, in the order they must happen. */
    static ArrayNode howToEnable(Lang l) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        a.add(l.t("В postgresql.conf: shared_preload_libraries = 'pg_stat_statements' (добавьте к уже перечисленным библиотекам через запятую)",
                "In postgresql.conf: shared_preload_libraries = 'pg_stat_statements' (append to any libraries already listed, comma-separated)"));
        a.add(l.t("Перезапустите PostgreSQL (параметр применяется только при старте сервера)",
                "Restart PostgreSQL (the setting only takes effect at server start)"));
        a.add(l.t("В анализируемой базе: CREATE EXTENSION IF NOT EXISTS pg_stat_statements;",
                "In the analysed database: CREATE EXTENSION IF NOT EXISTS pg_stat_statements;"));
        a.add(l.t("Для чтения чужих запросов роли нужна роль pg_read_all_stats (GRANT pg_read_all_stats TO <роль>)",
                "To see other roles' query texts the role needs pg_read_all_stats (GRANT pg_read_all_stats TO <role>)"));
        return a;
    }

    /** Top statements ordered by {@code total} or {@code mean} execution time, across all databases. */
    static ArrayNode top(Connection c, Probe probe, String orderBy, int limit) throws SQLException {
        boolean pg13 = c.getMetaData().getDatabaseMajorVersion() >= 13;
        String total = pg13 ? "total_exec_time" : "total_time";
        String mean = pg13 ? "mean_exec_time" : "mean_time";
        String order = orderBy.equals("mean") ? mean : total;
        String sql = "SELECT s.queryid, d.datname, r.rolname, s.query, s.calls, s.rows, s." + total + " AS total_ms, s." + mean
                + " AS mean_ms, s.shared_blks_hit, s.shared_blks_read, s.temp_blks_written FROM " + quote(probe.schema())
                + ".pg_stat_statements s LEFT JOIN pg_database d ON d.oid = s.dbid LEFT JOIN pg_roles r ON r.oid = s.userid"
                + " ORDER BY s." + order + " DESC NULLS LAST LIMIT ?";
        ArrayNode out = Json.MAPPER.createArrayNode();
        Sql.guarded(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode q = out.addObject();
                        Sql.putLong(q, "queryid", rs, "queryid");
                        q.put("database", rs.getString("datname")).put("user", rs.getString("rolname"));
                        q.put("calls", rs.getLong("calls")).put("rows", rs.getLong("rows"));
                        q.put("total_exec_time_ms", Sql.round(rs.getDouble("total_ms"), 3));
                        q.put("mean_exec_time_ms", Sql.round(rs.getDouble("mean_ms"), 3));
                        long hit = rs.getLong("shared_blks_hit"), read = rs.getLong("shared_blks_read");
                        q.put("shared_blks_hit", hit).put("shared_blks_read", read);
                        if (hit + read == 0) q.putNull("shared_hit_ratio");
                        else q.put("shared_hit_ratio", Sql.round((double) hit / (hit + read), 4));
                        q.put("temp_blks_written", rs.getLong("temp_blks_written"));
                        q.put("query", Sql.truncate(rs.getString("query"), MAX_QUERY_CHARS));
                    }
                }
            }
            return null;
        });
        return out;
    }

    static String quote(String ident) {
        return "\"" + ident.replace("\"", "\"\"") + "\"";
    }
}
